/*
 * wedopt: what a text of SQL is, decided by PostgreSQL's own parser.
 *
 * wedopt._parse_statements(sql text) runs the server's raw_parser() on the text,
 * under the session's settings (standard_conforming_strings, backslash_quote...
 * are read by the server's scanner as for any statement), and returns one row per
 * statement the server sees: its node type, command tag, exact text, how many $n
 * parameters it uses, its target relations and a few facts a caller deciding what
 * to run needs (CONCURRENTLY, the options of VACUUM / EXPLAIN / REINDEX, the kind of
 * the statement inside an EXPLAIN or PREPARE).
 *
 * Why C: where a decision is about safety (how many statements, which kind, which
 * target), any second opinion about SQL can be walked around (a lexer of our own
 * disagreed with the server on seven hand-made texts); pglast cannot run in the
 * server (its copy of the parser clashes with the server's symbols). Nothing is
 * executed and no catalog is read: the function only parses.
 *
 * A syntax error is the server's own (SQLSTATE 42601), its position given as an
 * internal position into the text (as SPI does), so psql points into the text.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "parser/scanner.h"
/* after scanner.h, which declares the types it uses (as gramparse.h does) */
#include "parser/gram.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(wedopt_parse_statements);

#define PARSE_COLUMNS 11

/* The facts gathered about one statement before it becomes a row. */
typedef struct StatementFacts
{
	List	   *relations;		/* char * each, quoted and qualified as written */
	List	   *options;		/* char * each: "name" or "name=value" */
	int			concurrent;		/* -1 unknown / not applicable, 0 false, 1 true */
	const char *inner_node_type;	/* the statement inside EXPLAIN, PREPARE... */
} StatementFacts;

/* The name of a statement node's type, as PostgreSQL's nodes.h spells it. */
static const char *
statement_node_name(Node *node)
{
	if (node == NULL)
		return NULL;
	switch (nodeTag(node))
	{
#define STMT(name) case T_##name: return #name
			STMT(RawStmt);
			STMT(InsertStmt);
			STMT(DeleteStmt);
			STMT(UpdateStmt);
			STMT(MergeStmt);
			STMT(SelectStmt);
			STMT(ReturnStmt);
			STMT(PLAssignStmt);
			STMT(AlterTableStmt);
			STMT(AlterDomainStmt);
			STMT(SetOperationStmt);
			STMT(GrantStmt);
			STMT(GrantRoleStmt);
			STMT(AlterDefaultPrivilegesStmt);
			STMT(ClosePortalStmt);
			STMT(ClusterStmt);
			STMT(CopyStmt);
			STMT(CreateStmt);
			STMT(DefineStmt);
			STMT(DropStmt);
			STMT(TruncateStmt);
			STMT(CommentStmt);
			STMT(FetchStmt);
			STMT(IndexStmt);
			STMT(CreateFunctionStmt);
			STMT(AlterFunctionStmt);
			STMT(DoStmt);
			STMT(RenameStmt);
			STMT(RuleStmt);
			STMT(NotifyStmt);
			STMT(ListenStmt);
			STMT(UnlistenStmt);
			STMT(TransactionStmt);
			STMT(ViewStmt);
			STMT(LoadStmt);
			STMT(CreateDomainStmt);
			STMT(CreatedbStmt);
			STMT(DropdbStmt);
			STMT(VacuumStmt);
			STMT(ExplainStmt);
			STMT(CreateTableAsStmt);
			STMT(CreateSeqStmt);
			STMT(AlterSeqStmt);
			STMT(VariableSetStmt);
			STMT(VariableShowStmt);
			STMT(DiscardStmt);
			STMT(CreateTrigStmt);
			STMT(CreatePLangStmt);
			STMT(CreateRoleStmt);
			STMT(AlterRoleStmt);
			STMT(DropRoleStmt);
			STMT(LockStmt);
			STMT(ConstraintsSetStmt);
			STMT(ReindexStmt);
			STMT(CheckPointStmt);
			STMT(CreateSchemaStmt);
			STMT(AlterDatabaseStmt);
			STMT(AlterDatabaseRefreshCollStmt);
			STMT(AlterDatabaseSetStmt);
			STMT(AlterRoleSetStmt);
			STMT(CreateConversionStmt);
			STMT(CreateCastStmt);
			STMT(CreateOpClassStmt);
			STMT(CreateOpFamilyStmt);
			STMT(AlterOpFamilyStmt);
			STMT(PrepareStmt);
			STMT(ExecuteStmt);
			STMT(DeallocateStmt);
			STMT(DeclareCursorStmt);
			STMT(CreateTableSpaceStmt);
			STMT(DropTableSpaceStmt);
			STMT(AlterObjectDependsStmt);
			STMT(AlterObjectSchemaStmt);
			STMT(AlterOwnerStmt);
			STMT(AlterOperatorStmt);
			STMT(AlterTypeStmt);
			STMT(DropOwnedStmt);
			STMT(ReassignOwnedStmt);
			STMT(CompositeTypeStmt);
			STMT(CreateEnumStmt);
			STMT(CreateRangeStmt);
			STMT(AlterEnumStmt);
			STMT(AlterTSDictionaryStmt);
			STMT(AlterTSConfigurationStmt);
			STMT(CreateFdwStmt);
			STMT(AlterFdwStmt);
			STMT(CreateForeignServerStmt);
			STMT(AlterForeignServerStmt);
			STMT(CreateUserMappingStmt);
			STMT(AlterUserMappingStmt);
			STMT(DropUserMappingStmt);
			STMT(AlterTableSpaceOptionsStmt);
			STMT(AlterTableMoveAllStmt);
			STMT(SecLabelStmt);
			STMT(CreateForeignTableStmt);
			STMT(ImportForeignSchemaStmt);
			STMT(CreateExtensionStmt);
			STMT(AlterExtensionStmt);
			STMT(AlterExtensionContentsStmt);
			STMT(CreateEventTrigStmt);
			STMT(AlterEventTrigStmt);
			STMT(RefreshMatViewStmt);
			STMT(ReplicaIdentityStmt);
			STMT(AlterSystemStmt);
			STMT(CreatePolicyStmt);
			STMT(AlterPolicyStmt);
			STMT(CreateTransformStmt);
			STMT(CreateAmStmt);
			STMT(CreatePublicationStmt);
			STMT(AlterPublicationStmt);
			STMT(CreateSubscriptionStmt);
			STMT(AlterSubscriptionStmt);
			STMT(DropSubscriptionStmt);
			STMT(CreateStatsStmt);
			STMT(AlterCollationStmt);
			STMT(CallStmt);
			STMT(AlterStatsStmt);
#undef STMT
		default:
			/* Not a statement node PostgreSQL 15 knows: name it by number. */
			return psprintf("Node%d", (int) nodeTag(node));
	}
}

/* A RangeVar as schema.name, each part quoted as needed; NULL for NULL. */
static char *
range_var_name(const RangeVar *rv)
{
	if (rv == NULL || rv->relname == NULL)
		return NULL;
	return quote_qualified_identifier(rv->schemaname, rv->relname);
}

static void
add_range_var(StatementFacts *facts, Node *node)
{
	char	   *name;

	if (node == NULL || !IsA(node, RangeVar))
		return;
	name = range_var_name((RangeVar *) node);
	if (name != NULL)
		facts->relations = lappend(facts->relations, name);
}

/* A list of RangeVar (TRUNCATE, LOCK, CREATE STATISTICS's FROM...). */
static void
add_range_var_list(StatementFacts *facts, List *list)
{
	ListCell   *lc;

	foreach(lc, list)
		add_range_var(facts, (Node *) lfirst(lc));
}

/* A name given as a list of String (DROP INDEX a.b): quoted, dot-joined. */
static void
add_name_list(StatementFacts *facts, Node *node)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	if (node == NULL || !IsA(node, List))
		return;
	initStringInfo(&buf);
	foreach(lc, (List *) node)
	{
		Node	   *part = (Node *) lfirst(lc);

		if (part == NULL || !IsA(part, String))
			return;				/* an odd shape: no name rather than a wrong one */
		if (!first)
			appendStringInfoChar(&buf, '.');
		appendStringInfoString(&buf, quote_identifier(strVal(part)));
		first = false;
	}
	if (!first)
		facts->relations = lappend(facts->relations, buf.data);
}

/* The value of a DefElem as text, for the few node kinds an option holds. */
static char *
def_elem_value(Node *arg)
{
	if (arg == NULL)
		return NULL;
	switch (nodeTag(arg))
	{
		case T_String:
			return pstrdup(strVal(arg));
		case T_Integer:
			return psprintf("%d", intVal(arg));
		case T_Float:
			return pstrdup(castNode(Float, arg)->fval);
		case T_Boolean:
			return pstrdup(boolVal(arg) ? "true" : "false");
		case T_TypeName:
			return TypeNameToString((TypeName *) arg);
		default:
			return NULL;
	}
}

/* Options given as a list of DefElem (VACUUM (...), EXPLAIN (...), REINDEX (...)). */
static void
add_def_elems(StatementFacts *facts, List *list)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		Node	   *node = (Node *) lfirst(lc);
		DefElem    *def;
		char	   *value;

		if (node == NULL || !IsA(node, DefElem))
			continue;
		def = (DefElem *) node;
		if (def->defname == NULL)
			continue;
		value = def_elem_value(def->arg);
		facts->options = lappend(facts->options,
								 value ? psprintf("%s=%s", def->defname, value)
								 : pstrdup(def->defname));
		if (strcmp(def->defname, "concurrently") == 0)
			facts->concurrent = (value == NULL || strcmp(value, "false") != 0) ? 1 : 0;
	}
}

/* The tables a FROM clause names directly (joins followed, subqueries and functions not). */
static void
add_from_item(StatementFacts *facts, Node *node, int depth)
{
	if (node == NULL)
		return;
	check_stack_depth();
	if (IsA(node, RangeVar))
		add_range_var(facts, node);
	else if (IsA(node, JoinExpr))
	{
		JoinExpr   *join = (JoinExpr *) node;

		add_from_item(facts, join->larg, depth + 1);
		add_from_item(facts, join->rarg, depth + 1);
	}
}

static bool
from_has_join(List *from)
{
	ListCell   *lc;

	if (list_length(from) > 1)
		return true;
	foreach(lc, from)
	{
		if (lfirst(lc) != NULL && IsA(lfirst(lc), JoinExpr))
			return true;
	}
	return false;
}

/* Does a target list hold a bare * or t.*? */
static bool
targets_have_star(List *targets)
{
	ListCell   *lc;

	foreach(lc, targets)
	{
		ResTarget  *target = (ResTarget *) lfirst(lc);
		ColumnRef  *ref;

		if (target == NULL || !IsA(target, ResTarget) || target->val == NULL ||
			!IsA(target->val, ColumnRef))
			continue;
		ref = (ColumnRef *) target->val;
		if (ref->fields != NIL && llast(ref->fields) != NULL && IsA(llast(ref->fields), A_Star))
			return true;
	}
	return false;
}

/* The clauses of a plain SELECT (not a UNION...) a lint can judge without a tree. */
static void
select_facts(SelectStmt *s, StatementFacts *facts)
{
	ListCell   *lc;

	if (s->op != SETOP_NONE)
	{
		facts->options = lappend(facts->options, pstrdup("set_operation"));
		return;
	}
	if (s->valuesLists != NIL)
	{
		facts->options = lappend(facts->options, pstrdup("values"));
		return;
	}
	foreach(lc, s->fromClause)
		add_from_item(facts, (Node *) lfirst(lc), 0);
	if (s->whereClause != NULL)
		facts->options = lappend(facts->options, pstrdup("where"));
	if (s->groupClause != NIL)
		facts->options = lappend(facts->options, pstrdup("group_by"));
	if (s->havingClause != NULL)
		facts->options = lappend(facts->options, pstrdup("having"));
	if (s->limitCount != NULL)
		facts->options = lappend(facts->options, pstrdup("limit"));
	if (s->limitOffset != NULL)
	{
		Node	   *offset = s->limitOffset;

		if (IsA(offset, A_Const) && !((A_Const *) offset)->isnull &&
			IsA(&((A_Const *) offset)->val, Integer))
			facts->options = lappend(facts->options,
									 psprintf("offset=%d", intVal(&((A_Const *) offset)->val)));
		else
			facts->options = lappend(facts->options, pstrdup("offset"));
	}
	if (s->withClause != NULL)
		facts->options = lappend(facts->options, pstrdup("with"));
	if (from_has_join(s->fromClause))
		facts->options = lappend(facts->options, pstrdup("join"));
	if (targets_have_star(s->targetList))
		facts->options = lappend(facts->options, pstrdup("star"));
}

static void
gather_facts(Node *stmt, StatementFacts *facts)
{
	facts->relations = NIL;
	facts->options = NIL;
	facts->concurrent = -1;
	facts->inner_node_type = NULL;
	if (stmt == NULL)
		return;

	switch (nodeTag(stmt))
	{
		case T_InsertStmt:
			add_range_var(facts, (Node *) ((InsertStmt *) stmt)->relation);
			break;
		case T_SelectStmt:
			select_facts((SelectStmt *) stmt, facts);
			break;
		case T_UpdateStmt:
			add_range_var(facts, (Node *) ((UpdateStmt *) stmt)->relation);
			if (((UpdateStmt *) stmt)->whereClause != NULL)
				facts->options = lappend(facts->options, pstrdup("where"));
			if (((UpdateStmt *) stmt)->withClause != NULL)
				facts->options = lappend(facts->options, pstrdup("with"));
			break;
		case T_DeleteStmt:
			add_range_var(facts, (Node *) ((DeleteStmt *) stmt)->relation);
			if (((DeleteStmt *) stmt)->whereClause != NULL)
				facts->options = lappend(facts->options, pstrdup("where"));
			if (((DeleteStmt *) stmt)->withClause != NULL)
				facts->options = lappend(facts->options, pstrdup("with"));
			break;
		case T_MergeStmt:
			add_range_var(facts, (Node *) ((MergeStmt *) stmt)->relation);
			break;
		case T_IndexStmt:
			{
				IndexStmt  *s = (IndexStmt *) stmt;

				add_range_var(facts, (Node *) s->relation);
				facts->concurrent = s->concurrent ? 1 : 0;
				if (s->if_not_exists)
					facts->options = lappend(facts->options, pstrdup("if_not_exists"));
				if (s->accessMethod != NULL)
					facts->options = lappend(facts->options,
											 psprintf("using=%s", s->accessMethod));
				if (s->idxname != NULL)
					facts->options = lappend(facts->options,
											 psprintf("name=%s", quote_identifier(s->idxname)));
				if (s->unique)
					facts->options = lappend(facts->options, pstrdup("unique"));
				break;
			}
		case T_DropStmt:
			{
				DropStmt   *s = (DropStmt *) stmt;
				ListCell   *lc;

				facts->concurrent = s->concurrent ? 1 : 0;
				if (s->missing_ok)
					facts->options = lappend(facts->options, pstrdup("if_exists"));
				if (s->behavior == DROP_CASCADE)
					facts->options = lappend(facts->options, pstrdup("cascade"));
				/* Only relation-like objects are named by a qualified name list. */
				if (s->removeType == OBJECT_INDEX || s->removeType == OBJECT_TABLE ||
					s->removeType == OBJECT_VIEW || s->removeType == OBJECT_MATVIEW ||
					s->removeType == OBJECT_SEQUENCE || s->removeType == OBJECT_FOREIGN_TABLE)
				{
					foreach(lc, s->objects)
						add_name_list(facts, (Node *) lfirst(lc));
				}
				break;
			}
		case T_VacuumStmt:
			{
				VacuumStmt *s = (VacuumStmt *) stmt;
				ListCell   *lc;

				add_def_elems(facts, s->options);
				foreach(lc, s->rels)
				{
					Node	   *rel = (Node *) lfirst(lc);

					if (rel != NULL && IsA(rel, VacuumRelation))
						add_range_var(facts, (Node *) ((VacuumRelation *) rel)->relation);
				}
				break;
			}
		case T_ReindexStmt:
			{
				ReindexStmt *s = (ReindexStmt *) stmt;

				facts->concurrent = 0;
				add_def_elems(facts, s->params);
				add_range_var(facts, (Node *) s->relation);
				break;
			}
		case T_RefreshMatViewStmt:
			{
				RefreshMatViewStmt *s = (RefreshMatViewStmt *) stmt;

				facts->concurrent = s->concurrent ? 1 : 0;
				if (s->skipData)
					facts->options = lappend(facts->options, pstrdup("with_no_data"));
				add_range_var(facts, (Node *) s->relation);
				break;
			}
		case T_ClusterStmt:
			{
				ClusterStmt *s = (ClusterStmt *) stmt;

				add_def_elems(facts, s->params);
				add_range_var(facts, (Node *) s->relation);
				break;
			}
		case T_AlterTableStmt:
			add_range_var(facts, (Node *) ((AlterTableStmt *) stmt)->relation);
			break;
		case T_CreateStmt:
			add_range_var(facts, (Node *) ((CreateStmt *) stmt)->relation);
			break;
		case T_CreateStatsStmt:
			{
				CreateStatsStmt *s = (CreateStatsStmt *) stmt;

				if (s->if_not_exists)
					facts->options = lappend(facts->options, pstrdup("if_not_exists"));
				add_range_var_list(facts, s->relations);
				break;
			}
		case T_TruncateStmt:
			add_range_var_list(facts, ((TruncateStmt *) stmt)->relations);
			break;
		case T_LockStmt:
			add_range_var_list(facts, ((LockStmt *) stmt)->relations);
			break;
		case T_CopyStmt:
			{
				CopyStmt   *s = (CopyStmt *) stmt;

				add_range_var(facts, (Node *) s->relation);
				add_def_elems(facts, s->options);
				if (s->is_program)
					facts->options = lappend(facts->options, pstrdup("program"));
				if (s->query != NULL)
					facts->inner_node_type = statement_node_name(s->query);
				break;
			}
		case T_CreateTrigStmt:
			add_range_var(facts, (Node *) ((CreateTrigStmt *) stmt)->relation);
			break;
		case T_CreatePolicyStmt:
			add_range_var(facts, (Node *) ((CreatePolicyStmt *) stmt)->table);
			break;
		case T_ViewStmt:
			{
				ViewStmt   *s = (ViewStmt *) stmt;

				add_range_var(facts, (Node *) s->view);
				facts->inner_node_type = statement_node_name(s->query);
				break;
			}
		case T_CreateTableAsStmt:
			{
				CreateTableAsStmt *s = (CreateTableAsStmt *) stmt;

				if (s->into != NULL)
					add_range_var(facts, (Node *) s->into->rel);
				facts->inner_node_type = statement_node_name(s->query);
				break;
			}
		case T_ExplainStmt:
			{
				ExplainStmt *s = (ExplainStmt *) stmt;

				add_def_elems(facts, s->options);
				facts->inner_node_type = statement_node_name(s->query);
				break;
			}
		case T_PrepareStmt:
			facts->inner_node_type = statement_node_name(((PrepareStmt *) stmt)->query);
			break;
		case T_DeclareCursorStmt:
			facts->inner_node_type = statement_node_name(((DeclareCursorStmt *) stmt)->query);
			break;
		default:
			break;
	}
}

static Datum
text_array(List *items)
{
	Datum	   *elems;
	ListCell   *lc;
	int			n = 0;

	if (items == NIL)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	elems = (Datum *) palloc(sizeof(Datum) * list_length(items));
	foreach(lc, items)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * The highest $n of each statement, from the server's own scanner: a $1 inside a
 * string, a comment or a dollar-quoted body is no parameter. The text has already
 * parsed, so the scanner meets no error here.
 */
static void
count_parameters(const char *sql, int nstmts, const int *starts, const int *ends, int *params)
{
	core_yyscan_t scanner;
	core_yy_extra_type extra;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc = 0;
	int			current = 0;

	if (nstmts <= 0)
		return;
	scanner = scanner_init(sql, &extra, &ScanKeywords, ScanKeywordTokens);
	/* Tokens come in text order, and so do the statements: one pass over both. */
	for (;;)
	{
		int			token = core_yylex(&yylval, &yylloc, scanner);

		if (token == 0)
			break;
		if (token != PARAM)
			continue;
		while (current < nstmts && yylloc >= ends[current])
			current++;
		if (current >= nstmts)
			break;
		if (yylloc >= starts[current] && yylval.ival > params[current])
			params[current] = yylval.ival;
	}
	scanner_finish(scanner);
}

/* Syntax errors point into the statement text, not into the calling query. */
static void
parse_error_callback(void *arg)
{
	const char *sql = (const char *) arg;
	int			position = geterrposition();

	if (position > 0)
	{
		errposition(0);
		internalerrposition(position);
		internalerrquery(sql);
		/* Also in words, for callers that only see the context (PL/pgSQL handlers). */
		errcontext("wedopt: parsing the statement text, at character %d", position);
	}
}

Datum
wedopt_parse_statements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql;
	int			sql_bytes;
	List	   *parsetree;
	ListCell   *lc;
	ErrorContextCallback errcallback;
	int			nstmts;
	int		   *starts;
	int		   *ends;
	int		   *params;
	int			i;

	if (PG_ARGISNULL(0))		/* declared STRICT; a direct call is still no crash */
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("wedopt: the statement text is NULL"),
				 errhint("Pass the SQL text to parse.")));

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo == NULL || rsinfo->setDesc == NULL || rsinfo->setDesc->natts != PARSE_COLUMNS)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("wedopt: _parse_statements() returns %d columns, the caller expects another shape",
						PARSE_COLUMNS),
				 errhint("Reinstall wedopt so that its SQL declaration matches its library.")));

	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	sql_bytes = (int) strlen(sql);

	errcallback.callback = parse_error_callback;
	errcallback.arg = sql;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	parsetree = raw_parser(sql, RAW_PARSE_DEFAULT);
	error_context_stack = errcallback.previous;

	nstmts = list_length(parsetree);
	starts = (int *) palloc0(sizeof(int) * Max(nstmts, 1));
	ends = (int *) palloc0(sizeof(int) * Max(nstmts, 1));
	params = (int *) palloc0(sizeof(int) * Max(nstmts, 1));
	i = 0;
	foreach(lc, parsetree)
	{
		RawStmt    *raw = (RawStmt *) lfirst(lc);
		int			start = 0;
		int			end = sql_bytes;

		if (raw != NULL && IsA(raw, RawStmt))
		{
			start = raw->stmt_location;
			/* stmt_len 0 means "the rest of the text" */
			end = raw->stmt_len > 0 ? start + raw->stmt_len : sql_bytes;
		}
		if (start < 0 || start > sql_bytes)
			start = 0;
		if (end < start || end > sql_bytes)
			end = sql_bytes;
		starts[i] = start;
		ends[i] = end;
		i++;
	}
	count_parameters(sql, nstmts, starts, ends, params);

	i = 0;
	foreach(lc, parsetree)
	{
		RawStmt    *raw = (RawStmt *) lfirst(lc);
		Node	   *stmt = (raw != NULL && IsA(raw, RawStmt)) ? raw->stmt : (Node *) raw;
		StatementFacts facts;
		Datum		values[PARSE_COLUMNS];
		bool		nulls[PARSE_COLUMNS];
		const char *node_type = statement_node_name(stmt);

		memset(nulls, 0, sizeof(nulls));
		gather_facts(stmt, &facts);

		values[0] = Int32GetDatum(i + 1);
		if (node_type != NULL)
			values[1] = CStringGetTextDatum(node_type);
		else
			nulls[1] = true;
		if (stmt != NULL)
			values[2] = CStringGetTextDatum(CreateCommandName(stmt));
		else
			nulls[2] = true;
		/* Positions and lengths in characters, as text functions count them. */
		values[3] = Int32GetDatum(pg_mbstrlen_with_len(sql, starts[i]));
		values[4] = Int32GetDatum(pg_mbstrlen_with_len(sql + starts[i], ends[i] - starts[i]));
		values[5] = PointerGetDatum(cstring_to_text_with_len(sql + starts[i], ends[i] - starts[i]));
		values[6] = Int32GetDatum(params[i]);
		values[7] = text_array(facts.relations);
		if (facts.concurrent >= 0)
			values[8] = BoolGetDatum(facts.concurrent == 1);
		else
			nulls[8] = true;
		values[9] = text_array(facts.options);
		if (facts.inner_node_type != NULL)
			values[10] = CStringGetTextDatum(facts.inner_node_type);
		else
			nulls[10] = true;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		i++;
	}
	return (Datum) 0;
}
