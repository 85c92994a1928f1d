"""A run: the vintage's lock, input snapshot and notebooks, its immutable folder, the catalogue of its tables, and
the revisions across vintages.

- :mod:`~grdp.run.pipeline`: take the vintage's lock, write the input snapshot, run each notebook with papermill
  in a child process; fail, or stop on a signal, cleanly;
- :mod:`~grdp.run.catalogue`: every table a vintage holds (name or name pattern, the notebook that writes it, what
  it holds, its key and its columns with their kinds); ``entry``, and ``check``, which every table written passes;
- :mod:`~grdp.run.vintage`: vintage names, deterministic tables, the sealed manifest, atomic publication, locks,
  verification;
- :mod:`~grdp.run.revisions`: the revision table across vintages and its summary.
"""

__all__ = ["catalogue", "pipeline", "revisions", "vintage"]
