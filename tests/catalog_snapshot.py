"""A comparable picture of everything the wedopt extension owns in one database: what an
upgraded install must share with a fresh one."""

from __future__ import annotations

OWNED = """
    SELECT d.classid, d.objid, d.objsubid
    FROM pg_catalog.pg_depend d
    WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'wedopt')
"""

QUERIES = {
    "objects": f"""
        SELECT pg_catalog.pg_describe_object(o.classid, o.objid, o.objsubid) FROM ({OWNED}) o
    """,
    "functions": f"""
        SELECT p.oid::regprocedure::text, pg_catalog.pg_get_functiondef(p.oid), p.proacl::text,
               p.proconfig::text, pg_catalog.obj_description(p.oid, 'pg_proc')
        FROM pg_catalog.pg_proc p JOIN ({OWNED}) o ON o.classid = 'pg_proc'::regclass AND o.objid = p.oid
        WHERE p.prokind <> 'a'
    """,
    "relations": f"""
        SELECT c.oid::regclass::text, c.relkind, c.relacl::text, c.reloptions::text,
               pg_catalog.obj_description(c.oid, 'pg_class'),
               CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
               pg_catalog.pg_get_partkeydef(c.oid)
        FROM pg_catalog.pg_class c JOIN ({OWNED}) o ON o.classid = 'pg_class'::regclass AND o.objid = c.oid
    """,
    "columns": f"""
        SELECT a.attrelid::regclass::text, a.attnum, a.attname,
               pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
               pg_catalog.col_description(a.attrelid, a.attnum)
        FROM pg_catalog.pg_attribute a
        JOIN ({OWNED}) o ON o.classid = 'pg_class'::regclass AND o.objid = a.attrelid
        LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped
    """,
    "constraints": f"""
        SELECT c.conrelid::regclass::text, c.conname, pg_catalog.pg_get_constraintdef(c.oid)
        FROM pg_catalog.pg_constraint c
        JOIN ({OWNED}) o ON o.classid = 'pg_class'::regclass AND o.objid = c.conrelid
    """,
    "indexes": f"""
        SELECT i.indrelid::regclass::text, pg_catalog.pg_get_indexdef(i.indexrelid)
        FROM pg_catalog.pg_index i
        JOIN ({OWNED}) o ON o.classid = 'pg_class'::regclass AND o.objid = i.indrelid
    """,
    "triggers": f"""
        SELECT t.tgrelid::regclass::text, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled
        FROM pg_catalog.pg_trigger t
        JOIN ({OWNED}) o ON o.classid = 'pg_class'::regclass AND o.objid = t.tgrelid
        WHERE NOT t.tgisinternal
    """,
    "config_dump": """
        SELECT c.oid::regclass::text, e.cond
        FROM pg_catalog.pg_extension x,
             LATERAL unnest(x.extconfig, x.extcondition) AS e(cfg, cond)
             JOIN pg_catalog.pg_class c ON c.oid = e.cfg
        WHERE x.extname = 'wedopt'
    """,
    "schema_acl": "SELECT nspacl::text FROM pg_catalog.pg_namespace WHERE nspname = 'wedopt'",
    "settings": "SELECT to_jsonb(d)::text FROM wedopt.setting_default d",
}


def snapshot(conn) -> dict[str, list]:
    return {
        key: sorted(tuple(str(v) for v in row) for row in conn.execute(sql).fetchall())
        for key, sql in QUERIES.items()
    }


def differences(left: dict, right: dict) -> dict[str, dict]:
    """Per section, the rows only in left and only in right (empty when equal)."""
    out = {}
    for key in QUERIES:
        a, b = set(left[key]), set(right[key])
        if a != b:
            out[key] = {"only_in_left": sorted(a - b), "only_in_right": sorted(b - a)}
    return out
