"""Maintain: the materialized-view advisor (matviews). The rest of the area is SQL and
PL/pgSQL (sql/50_maintain). Functions that need the server take plpy."""
