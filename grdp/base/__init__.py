"""What every stage shares: locations, schemas, classifications, words, method names and the run cache.

- :mod:`~grdp.base.paths`: every location, from the repository root (``GRDP_ROOT`` overrides it);
- :mod:`~grdp.base.schemas`: the source-file contract in code and the pandera schemas of tables that cross
  stages;
- :mod:`~grdp.base.classification`: VSIC 2018 codes and aggregates (``grdp/data/*.csv``);
- :mod:`~grdp.base.labels`: Vietnamese and English words (``grdp/data/labels.yaml``);
- :mod:`~grdp.base.method_names`: the digital-economy methods' names in their order;
- :mod:`~grdp.base.run_cache`: what a run builds once and its notebooks share.

Modules here import nothing of the other stages.
"""

__all__ = ["classification", "labels", "method_names", "paths", "run_cache", "schemas"]
