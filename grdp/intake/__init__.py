"""Release intake: bring a new published release into ``sources/`` safely (``grdp ingest``).

The flow is: a *reader* turns a file into a :class:`~grdp.intake.release.Release` ->
:func:`~grdp.intake.plan.plan` checks it against the source contract (:mod:`grdp.sources`) and the rows
already in ``sources/`` and stages the files it would change (the dry run) ->
:func:`~grdp.intake.summary.summary` says what would be added (new figures, revisions and their size,
differences from other publishers) -> :func:`~grdp.intake.writer.apply` appends the rows atomically.

Readers (one module each):

- :mod:`~grdp.intake.template`: the release template an economist fills in (CSV or XLSX), and the empty
  template (:func:`~grdp.intake.template.write_template`);
- :mod:`~grdp.intake.nsdp_sdmx`: GSO's NSDP SDMX file ``GDPVNM.xml`` (GDP by section), read with ``sdmx1``;
- :mod:`~grdp.intake.monthly_report`: the GDP sheet of the statistics office's monthly report workbook;
- :mod:`~grdp.intake.office_table`: the statistics office's wide yearbook tables, through
  :mod:`grdp.intake.statistics_office`;

and :mod:`~grdp.intake.download` fetches a file from its official URL for a reader to read offline.
"""

from grdp.intake.plan import Plan, plan
from grdp.intake.release import IntakeError, Release, ReleaseRow
from grdp.intake.summary import summary
from grdp.intake.writer import apply, recover_locked

__all__ = ["IntakeError", "Plan", "Release", "ReleaseRow", "apply", "plan", "recover_locked", "summary"]
