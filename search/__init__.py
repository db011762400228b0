"""The outer loop: hyperparameter search on the inner-trained loss (see DESIGN.md section 6).

This package holds the command-line interface (``hpo``); the search spaces and
strategies land with the outer-loop issue.
"""
