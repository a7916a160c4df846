"""Recommend: the index advisor. candidates (what a plan asks of each table), sizing (index
sizes from the statistics), whatif (hypopg, cleaned up whatever happens), engine (selection
under budgets and the rows of wedopt.recommend_indexes*()), drops (unused, duplicate and
prefix-redundant indexes). Functions that need the server take plpy."""
