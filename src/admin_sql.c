/*
 * wedopt: what an admin statement touches, resolved by the server itself.
 *
 * wedopt._resolve_admin_statement(sql, search_path) takes one statement of
 * execute_admin_sql()'s allow-list, as PostgreSQL's parser sees it, and resolves
 * under the given search_path (the caller's, recorded when the action was queued):
 *   - the OID of every relation it names, in the order _parse_statements() lists
 *     them (0 for a name that does not resolve);
 *   - for CREATE INDEX and CREATE STATISTICS, the OID of every function its
 *     expressions and predicate call, after the server's own parse analysis
 *     (transformIndexStmt / transformStatsStmt), operators and type coercions
 *     included, and whether they hold a subquery.
 *
 * wedopt._rebuild_index_statement(sql, name, schema, relation, concurrently, only)
 * rebuilds a CREATE INDEX: the header (name, target, CONCURRENTLY, ONLY) from
 * validated parts, the column list / INCLUDE / WITH / WHERE from the caller's text,
 * cut at token boundaries found by the server's scanner; the result is parsed again
 * and must have the same columns, expressions and predicate.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_utilcmd.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(wedopt_resolve_admin_statement);
PG_FUNCTION_INFO_V1(wedopt_rebuild_index_statement);

typedef struct FunctionSet
{
	List	   *oids;			/* Oid each, in order met, no duplicates */
	bool		has_sublink;
} FunctionSet;

static RawStmt *
parse_one(const char *sql)
{
	List	   *tree = raw_parser(sql, RAW_PARSE_DEFAULT);
	RawStmt    *raw;

	if (list_length(tree) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wedopt: expected one statement, PostgreSQL's parser sees %d",
						list_length(tree)),
				 errhint("Pass exactly one statement.")));
	raw = linitial_node(RawStmt, tree);
	if (raw->stmt == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wedopt: the statement is empty"),
				 errhint("Pass exactly one statement.")));
	return raw;
}

static bool
collect_function(Oid funcid, void *context)
{
	FunctionSet *set = (FunctionSet *) context;

	if (!list_member_oid(set->oids, funcid))
		set->oids = lappend_oid(set->oids, funcid);
	return false;				/* keep walking */
}

static bool
function_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, SubLink) || IsA(node, Query))
	{
		((FunctionSet *) context)->has_sublink = true;
		return false;
	}
	(void) check_functions_in_node(node, collect_function, context);
	return expression_tree_walker(node, function_walker, context);
}

static Datum
oid_array(List *oids)
{
	Datum	   *elems;
	ListCell   *lc;
	int			n = 0;

	if (oids == NIL)
		return PointerGetDatum(construct_empty_array(OIDOID));
	elems = (Datum *) palloc(sizeof(Datum) * list_length(oids));
	foreach(lc, oids)
		elems[n++] = ObjectIdGetDatum(lfirst_oid(lc));
	return PointerGetDatum(construct_array(elems, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

static Oid
resolve(RangeVar *rv)
{
	if (rv == NULL || rv->relname == NULL)
		return InvalidOid;
	return RangeVarGetRelid(rv, NoLock, true);
}

/* The name of a DROP INDEX object (a List of String) as a RangeVar; NULL for another shape. */
static RangeVar *
name_list_range_var(Node *node)
{
	ListCell   *lc;

	if (node == NULL || !IsA(node, List))
		return NULL;
	foreach(lc, (List *) node)
	{
		if (lfirst(lc) == NULL || !IsA(lfirst(lc), String))
			return NULL;
	}
	if (list_length((List *) node) > 3)
		return NULL;
	return makeRangeVarFromNameList((List *) node);
}

/* The functions of an index's expressions and predicate, after the server's parse analysis. */
static void
index_functions(IndexStmt *stmt, Oid relid, const char *sql, FunctionSet *set)
{
	IndexStmt  *done;
	ListCell   *lc;

	/* transformIndexStmt expects the caller to hold a lock; an ordinary reader's is enough. */
	LockRelationOid(relid, AccessShareLock);
	done = transformIndexStmt(relid, copyObject(stmt), sql);
	foreach(lc, done->indexParams)
	{
		IndexElem  *elem = lfirst_node(IndexElem, lc);

		(void) function_walker(elem->expr, set);
	}
	(void) function_walker(done->whereClause, set);
}

static void
stats_functions(CreateStatsStmt *stmt, Oid relid, const char *sql, FunctionSet *set)
{
	CreateStatsStmt *done;
	ListCell   *lc;

	LockRelationOid(relid, AccessShareLock);
	done = transformStatsStmt(relid, copyObject(stmt), sql);
	foreach(lc, done->exprs)
	{
		StatsElem  *elem = lfirst_node(StatsElem, lc);

		(void) function_walker(elem->expr, set);
	}
}

/* A storage parameter execute_admin_sql() may set: autovacuum_* (also toast.), fillfactor. */
static bool
allowed_storage_parameter(const DefElem *def)
{
	const char *name = def->defname;

	if (name == NULL)
		return false;
	if (def->defnamespace != NULL && strcmp(def->defnamespace, "toast") != 0)
		return false;
	if (def->defnamespace != NULL && strcmp(name, "fillfactor") == 0)
		return false;
	return strcmp(name, "fillfactor") == 0 || strncmp(name, "autovacuum_", 11) == 0;
}

/*
 * ALTER TABLE ... SET (...) / RESET (...) of storage parameters only, rebuilt as
 * "SET (name = 'value', ...)" / "RESET (name, ...)" clauses; anything else is an error.
 */
static char *
alter_storage_clause(AlterTableStmt *stmt)
{
	StringInfoData buf;
	ListCell   *lc;

	if (stmt->objtype != OBJECT_TABLE || stmt->cmds == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("wedopt: only ALTER TABLE ... SET / RESET of storage parameters is accepted"),
				 errhint("Allowed: fillfactor, autovacuum_*, toast.autovacuum_*.")));
	initStringInfo(&buf);
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		ListCell   *lc2;
		bool		first = true;

		if (cmd->subtype != AT_SetRelOptions && cmd->subtype != AT_ResetRelOptions)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("wedopt: only ALTER TABLE ... SET / RESET of storage parameters is accepted"),
					 errhint("Allowed: fillfactor, autovacuum_*, toast.autovacuum_*.")));
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, cmd->subtype == AT_SetRelOptions ? "SET (" : "RESET (");
		foreach(lc2, (List *) cmd->def)
		{
			DefElem    *def = lfirst_node(DefElem, lc2);

			if (!allowed_storage_parameter(def))
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("wedopt: storage parameter \"%s\" is not one execute_admin_sql() sets",
								def->defname ? def->defname : "?"),
						 errhint("Allowed: fillfactor, autovacuum_*, toast.autovacuum_*.")));
			if (!first)
				appendStringInfoString(&buf, ", ");
			first = false;
			if (def->defnamespace != NULL)
				appendStringInfo(&buf, "%s.", quote_identifier(def->defnamespace));
			appendStringInfoString(&buf, quote_identifier(def->defname));
			if (cmd->subtype == AT_SetRelOptions)
			{
				if (def->arg == NULL)
					appendStringInfoString(&buf, " = 'true'");
				else
					appendStringInfo(&buf, " = %s", quote_literal_cstr(defGetString(def)));
			}
		}
		appendStringInfoChar(&buf, ')');
	}
	return buf.data;
}

Datum
wedopt_resolve_admin_statement(PG_FUNCTION_ARGS)
{
	char	   *sql;
	char	   *path;
	RawStmt    *raw;
	Node	   *stmt;
	List	   *relids = NIL;
	char	   *rebuilt = NULL;
	FunctionSet functions = {NIL, false};
	int			nestlevel;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	ListCell   *lc;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("wedopt: the statement and the search_path must not be NULL"),
				 errhint("Pass the statement text and the search_path to resolve it under.")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE || tupdesc->natts != 4)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("wedopt: _resolve_admin_statement() returns 4 columns, the caller expects another shape"),
				 errhint("Reinstall wedopt so that its SQL declaration matches its library.")));
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	path = text_to_cstring(PG_GETARG_TEXT_PP(1));

	/* The caller's search_path, for this call only (as a function's SET clause does). */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", path, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	raw = parse_one(sql);
	stmt = raw->stmt;
	switch (nodeTag(stmt))
	{
		case T_IndexStmt:
			{
				IndexStmt  *s = (IndexStmt *) stmt;
				Oid			relid = resolve(s->relation);

				relids = lappend_oid(relids, relid);
				if (OidIsValid(relid))
					index_functions(s, relid, sql, &functions);
				break;
			}
		case T_CreateStatsStmt:
			{
				CreateStatsStmt *s = (CreateStatsStmt *) stmt;

				foreach(lc, s->relations)
				{
					Node	   *rel = (Node *) lfirst(lc);

					relids = lappend_oid(relids, IsA(rel, RangeVar) ? resolve((RangeVar *) rel) : InvalidOid);
				}
				if (list_length(relids) == 1 && OidIsValid(linitial_oid(relids)))
					stats_functions(s, linitial_oid(relids), sql, &functions);
				break;
			}
		case T_DropStmt:
			foreach(lc, ((DropStmt *) stmt)->objects)
				relids = lappend_oid(relids, resolve(name_list_range_var((Node *) lfirst(lc))));
			break;
		case T_VacuumStmt:
			foreach(lc, ((VacuumStmt *) stmt)->rels)
			{
				Node	   *rel = (Node *) lfirst(lc);

				if (rel != NULL && IsA(rel, VacuumRelation))
				{
					if (((VacuumRelation *) rel)->va_cols != NIL)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("wedopt: VACUUM / ANALYZE of a column list is not supported"),
								 errhint("Name whole tables.")));
					relids = lappend_oid(relids, resolve(((VacuumRelation *) rel)->relation));
				}
			}
			break;
		case T_ReindexStmt:
			relids = lappend_oid(relids, resolve(((ReindexStmt *) stmt)->relation));
			break;
		case T_RefreshMatViewStmt:
			relids = lappend_oid(relids, resolve(((RefreshMatViewStmt *) stmt)->relation));
			break;
		case T_ClusterStmt:
			relids = lappend_oid(relids, resolve(((ClusterStmt *) stmt)->relation));
			break;
		case T_AlterTableStmt:
			relids = lappend_oid(relids, resolve(((AlterTableStmt *) stmt)->relation));
			rebuilt = alter_storage_clause((AlterTableStmt *) stmt);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("wedopt: %s is not an admin statement wedopt resolves",
							CreateCommandName(stmt)),
					 errhint("See doc/act.md for the statements execute_admin_sql() accepts.")));
	}

	AtEOXact_GUC(true, nestlevel);

	values[0] = oid_array(relids);
	values[1] = oid_array(functions.oids);
	values[2] = BoolGetDatum(functions.has_sublink);
	if (rebuilt != NULL)
		values[3] = CStringGetTextDatum(rebuilt);
	else
		nulls[3] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * CREATE INDEX rebuilt: "CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON [ONLY] schema.rel "
 * and the caller's text from the USING or "(" that follows the relation name.
 */
Datum
wedopt_rebuild_index_statement(PG_FUNCTION_ARGS)
{
	char	   *sql;
	char	   *name;
	char	   *schema;
	char	   *relname;
	bool		concurrently;
	bool		only;
	RawStmt    *raw;
	IndexStmt  *orig;
	IndexStmt  *built;
	core_yyscan_t scanner;
	core_yy_extra_type extra;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc = 0;
	int			start;
	int			end;
	int			tail = -1;
	int			depth = 0;
	bool		after_on = false;
	StringInfoData buf;

	for (int i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("wedopt: _rebuild_index_statement() takes no NULL argument"),
					 errhint("Pass the statement, the index name, the schema, the table and both flags.")));
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	schema = text_to_cstring(PG_GETARG_TEXT_PP(2));
	relname = text_to_cstring(PG_GETARG_TEXT_PP(3));
	concurrently = PG_GETARG_BOOL(4);
	only = PG_GETARG_BOOL(5);

	raw = parse_one(sql);
	if (!IsA(raw->stmt, IndexStmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wedopt: expected a CREATE INDEX, got %s", CreateCommandName(raw->stmt)),
				 errhint("_rebuild_index_statement() rebuilds CREATE INDEX statements only.")));
	orig = (IndexStmt *) raw->stmt;
	start = raw->stmt_location;
	end = raw->stmt_len > 0 ? start + raw->stmt_len : (int) strlen(sql);

	/* The first "(" or USING after ON and the relation name, at depth 0. */
	scanner = scanner_init(sql, &extra, &ScanKeywords, ScanKeywordTokens);
	for (;;)
	{
		int			token = core_yylex(&yylval, &yylloc, scanner);

		if (token == 0 || yylloc >= end)
			break;
		if (yylloc < start)
			continue;
		if (depth == 0 && token == ON)
			after_on = true;
		else if (depth == 0 && after_on && (token == USING || token == '('))
		{
			tail = yylloc;
			break;
		}
		if (token == '(')
			depth++;
		else if (token == ')')
			depth--;
	}
	scanner_finish(scanner);
	if (tail < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wedopt: cannot find the column list of the CREATE INDEX"),
				 errhint("Write it as CREATE INDEX name ON table [USING method] (columns).")));

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE %sINDEX %s%s ON %s%s ",
					 orig->unique ? "UNIQUE " : "",
					 concurrently ? "CONCURRENTLY " : "",
					 quote_identifier(name),
					 only ? "ONLY " : "",
					 quote_qualified_identifier(schema, relname));
	appendBinaryStringInfo(&buf, sql + tail, end - tail);

	/* The rebuilt text must say what the caller's did, with the new header. */
	built = (IndexStmt *) parse_one(buf.data)->stmt;
	if (!IsA(built, IndexStmt) ||
		built->unique != orig->unique ||
		built->concurrent != concurrently ||
		built->relation == NULL || built->relation->inh == only ||
		built->idxname == NULL || strcmp(built->idxname, name) != 0 ||
		built->relation->schemaname == NULL || strcmp(built->relation->schemaname, schema) != 0 ||
		strcmp(built->relation->relname, relname) != 0 ||
		!equal(built->indexParams, orig->indexParams) ||
		!equal(built->indexIncludingParams, orig->indexIncludingParams) ||
		!equal(built->options, orig->options) ||
		!equal(built->whereClause, orig->whereClause) ||
		built->nulls_not_distinct != orig->nulls_not_distinct ||
		(built->accessMethod == NULL) != (orig->accessMethod == NULL) ||
		(orig->accessMethod != NULL && strcmp(built->accessMethod, orig->accessMethod) != 0) ||
		built->tableSpace != NULL || orig->tableSpace != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wedopt: the CREATE INDEX could not be rebuilt from its parts"),
				 errhint("Write it as CREATE INDEX name ON table [USING method] (columns) [INCLUDE (...)] "
						 "[WITH (...)] [WHERE ...], without TABLESPACE.")));
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}
