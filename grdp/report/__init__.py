"""What the reports show, computed from a vintage's tables (never recomputed from the sources).

``formatting`` writes numbers the way each language does, ``vintage_tables`` reads a vintage,
``brief`` builds the policy brief's headline, tables and fan chart, ``technical`` the technical
report's sections. The report notebooks in ``reports/`` only call these and display the results.
"""
