/*
 * wedopt audit: the trigger that writes wedopt.audit_log, in C.
 *
 * wedopt.enable_audit() puts three statement-level AFTER triggers on a table
 * (INSERT, UPDATE, DELETE, each REFERENCING its transition tables) that call
 * wedopt._audit_trigger(app_user_setting, log_statement, excluded column...).
 * For each changed row it writes one audit_log row, exactly as the columns of
 * wedopt.audit_log describe them.
 *
 * Why C: an audited single-row statement in PL/pgSQL paid, before writing
 * anything, a SECURITY DEFINER call with a pinned search_path, ten per-statement
 * expressions and the executor start-up of an INSERT ... SELECT over fourteen
 * columns (about 160,000 instructions, see bench/bench_audit_cost.py); here the
 * facts are read from the backend's own state and the rows go straight into the
 * current audit_log partition with heap_insert(). No SQL is parsed, so neither
 * search_path nor the caller's privileges matter: the function is granted to
 * wedopt_admin only, who needs it to create the triggers.
 *
 * Pairing of old and new rows of an UPDATE: PostgreSQL appends the old and the
 * new version of each updated row to the two transition tables in the same step
 * (also for a row moved between partitions: its old version, then its new one),
 * so the n-th old row is the n-th new row. A row whose primary key changed is
 * logged as two rows: its old version whole under the old key, its new version
 * whole under the new key. The one way the two tables differ in size (a row moved
 * into a partition whose BEFORE INSERT trigger drops it) logs every version whole.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(wedopt_audit_trigger);

/* The columns of wedopt.audit_log this trigger fills, looked up by name. */
typedef enum AuditColumn
{
	COL_ID,
	COL_CHANGED_AT,
	COL_RELID,
	COL_SCHEMA,
	COL_TABLE,
	COL_OPERATION,
	COL_RECORD_ID,
	COL_OLD_VALUES,
	COL_NEW_VALUES,
	COL_CHANGED_BY,
	COL_SESSION_USER,
	COL_APPLICATION,
	COL_CLIENT_ADDR,
	COL_TRANSACTION_ID,
	COL_APP_USER_ID,
	COL_STATEMENT,
	AUDIT_NCOLUMNS
} AuditColumn;

static const char *const audit_column_names[AUDIT_NCOLUMNS] = {
	"id", "changed_at", "relid", "table_schema", "table_name", "operation",
	"record_id", "old_values", "new_values", "changed_by", "session_user_name",
	"application_name", "client_addr", "transaction_id", "app_user_id", "statement"
};

/* Where this statement's audit rows go, and what every one of them shares. */
typedef struct AuditTarget
{
	Relation	parent;			/* wedopt.audit_log */
	Relation	partition;		/* its partition for this statement's timestamp */
	int			attindex[AUDIT_NCOLUMNS];	/* 0-based position in the partition */
	int			natts;
	Oid			sequence;		/* wedopt.audit_log_id_seq */
	CommandId	cid;
	Datum	   *values;			/* one row, in the partition's column order */
	bool	   *nulls;
	/* only when the partition has indexes (setting audit.record_index) */
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
} AuditTarget;

/*
 * How a column's values become jsonb: the common types directly, as to_jsonb() would
 * make them; every other type (and NaN or infinite numerics) through to_jsonb() itself.
 */
typedef enum AuditJsonKind
{
	JSON_OTHER,
	JSON_INTEGER,
	JSON_NUMERIC,
	JSON_TEXT,
	JSON_BOOL,
	JSON_DATETIME
} AuditJsonKind;

/* How the audited table's columns are treated. */
typedef struct AuditColumns
{
	TupleDesc	desc;
	bool	   *logged;			/* not dropped, not excluded */
	bool	   *key;			/* part of the primary key */
	bool		has_key;
	bool	   *json_ready;		/* kind and base_type set (audit_column_json) */
	AuditJsonKind *kind;
	Oid		   *base_type;
	FmgrInfo   *to_jsonb;		/* to_jsonb() for the column's type, set up on first use */
	MemoryContext statement_context;	/* lives as long as this statement's trigger call */
	TypeCacheEntry **types;		/* equality of the column's type, if it has one */
	char	   *bytes_decide;	/* '?' not known yet, 'y' different bytes are different values */
	bool	   *changed;		/* this row's changed columns (audit_compare) */
} AuditColumns;

static void
audit_open_target(AuditTarget *target, Oid nsp, TimestampTz changed_at)
{
	Oid			log_oid = get_relname_relid("audit_log", nsp);
	PartitionKey key;
	PartitionDesc desc;
	PartitionBoundInfo bounds;
	int			index = -1;
	Datum		value = TimestampTzGetDatum(changed_at);
	TupleDesc	part_desc;

	target->sequence = get_relname_relid("audit_log_id_seq", nsp);
	if (!OidIsValid(log_oid) || !OidIsValid(target->sequence))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("wedopt: wedopt.audit_log or its id sequence is missing"),
				 errhint("ALTER EXTENSION wedopt UPDATE, or drop and create the extension again.")));

	target->parent = table_open(log_oid, RowExclusiveLock);
	if (target->parent->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("wedopt: wedopt.audit_log is not partitioned")));

	/* The partition for this timestamp, as tuple routing would choose it. */
	key = RelationGetPartitionKey(target->parent);
	desc = RelationGetPartitionDesc(target->parent, true);
	bounds = desc->boundinfo;
	if (bounds != NULL && bounds->ndatums > 0)
	{
		bool		equal = false;
		int			offset = partition_range_datum_bsearch(key->partsupfunc,
														   key->partcollation,
														   bounds, 1, &value, &equal);

		index = bounds->indexes[offset + 1];
	}
	if (index < 0 && bounds != NULL && partition_bound_has_default(bounds))
		index = bounds->default_index;
	if (index < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("wedopt: wedopt.audit_log has no partition for %s",
						timestamptz_to_str(changed_at)),
				 errhint("SELECT * FROM wedopt.maintain_audit_log(); creates the partitions.")));
	target->partition = table_open(desc->oids[index], RowExclusiveLock);
	if (target->partition->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("wedopt: %s, the partition of wedopt.audit_log for %s, is not a plain table",
						RelationGetRelationName(target->partition), timestamptz_to_str(changed_at)),
				 errhint("wedopt.maintain_audit_log() creates plain monthly partitions; "
						 "detach this one and run it.")));

	part_desc = RelationGetDescr(target->partition);
	target->natts = part_desc->natts;

	/*
	 * heap_insert() applies no defaults and checks no NOT NULL: every column of the log must
	 * be one this file fills, or a column added to audit_log later would silently stay NULL.
	 */
	{
		int			live = 0;

		for (int i = 0; i < part_desc->natts; i++)
			live += TupleDescAttr(part_desc, i)->attisdropped ? 0 : 1;
		if (live != AUDIT_NCOLUMNS)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("wedopt: %s has %d columns, the audit trigger fills %d",
							RelationGetRelationName(target->partition), live, AUDIT_NCOLUMNS),
					 errhint("The installed wedopt library and its SQL objects differ: "
							 "make install, then ALTER EXTENSION wedopt UPDATE.")));
	}
	for (int c = 0; c < AUDIT_NCOLUMNS; c++)
	{
		target->attindex[c] = -1;
		for (int i = 0; i < part_desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(part_desc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), audit_column_names[c]) == 0)
			{
				target->attindex[c] = i;
				break;
			}
		}
		if (target->attindex[c] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("wedopt: wedopt.audit_log has no column %s", audit_column_names[c])));
	}
	target->values = palloc0(sizeof(Datum) * target->natts);
	target->nulls = palloc(sizeof(bool) * target->natts);
	memset(target->nulls, true, sizeof(bool) * target->natts);
	target->cid = GetCurrentCommandId(true);

	if (target->partition->rd_rel->relhasindex)
	{
		target->estate = CreateExecutorState();
		target->rri = makeNode(ResultRelInfo);
		InitResultRelInfo(target->rri, target->partition, 1, NULL, 0);
		ExecOpenIndices(target->rri, false);
		target->slot = MakeSingleTupleTableSlot(part_desc, &TTSOpsHeapTuple);
	}
}

static void
audit_close_target(AuditTarget *target)
{
	if (target->rri != NULL)
	{
		ExecCloseIndices(target->rri);
		ExecDropSingleTupleTableSlot(target->slot);
		FreeExecutorState(target->estate);
	}
	/* Locks are kept until the end of the transaction, as an INSERT would. */
	table_close(target->partition, NoLock);
	table_close(target->parent, NoLock);
}

static inline void
audit_set(AuditTarget *target, AuditColumn column, Datum value, bool isnull)
{
	target->values[target->attindex[column]] = value;
	target->nulls[target->attindex[column]] = isnull;
}

static void
audit_insert(AuditTarget *target)
{
	HeapTuple	tuple;

	audit_set(target, COL_ID, Int64GetDatum(nextval_internal(target->sequence, false)), false);
	tuple = heap_form_tuple(RelationGetDescr(target->partition), target->values, target->nulls);
	heap_insert(target->partition, tuple, target->cid, 0, NULL);
	if (target->rri != NULL)
	{
		ExecStoreHeapTuple(tuple, target->slot, false);
#if PG_VERSION_NUM >= 160000
		ExecInsertIndexTuples(target->rri, target->slot, target->estate, false, false, NULL, NIL, false);
#else
		ExecInsertIndexTuples(target->rri, target->slot, target->estate, false, false, NULL, NIL);
#endif
		ExecClearTuple(target->slot);
		ResetPerTupleExprContext(target->estate);
	}
}

static void
audit_prepare_columns(AuditColumns *cols, Relation rel, TriggerData *trigdata)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Bitmapset  *pk = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
	Trigger    *trigger = trigdata->tg_trigger;

	cols->desc = desc;
	cols->statement_context = CurrentMemoryContext;
	cols->logged = palloc0(sizeof(bool) * desc->natts);
	cols->key = palloc0(sizeof(bool) * desc->natts);
	cols->to_jsonb = palloc0(sizeof(FmgrInfo) * desc->natts);
	cols->types = palloc0(sizeof(TypeCacheEntry *) * desc->natts);
	cols->kind = palloc0(sizeof(AuditJsonKind) * desc->natts);
	cols->json_ready = palloc0(sizeof(bool) * desc->natts);
	cols->base_type = palloc0(sizeof(Oid) * desc->natts);
	cols->bytes_decide = palloc(desc->natts);
	memset(cols->bytes_decide, '?', desc->natts);
	cols->changed = palloc0(sizeof(bool) * desc->natts);
	cols->has_key = false;

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		bool		excluded = false;

		if (att->attisdropped)
			continue;
		/* tgargs: app user setting, log_statement, then the excluded columns */
		for (int a = 2; a < trigger->tgnargs; a++)
			if (strcmp(trigger->tgargs[a], NameStr(att->attname)) == 0)
				excluded = true;
		cols->logged[i] = !excluded;
		cols->key[i] = bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, pk);
		cols->has_key |= cols->key[i];
	}
	bms_free(pk);
}

/*
 * Get column i ready to become jsonb, on first use: an INSERT needs only its key columns,
 * an UPDATE only the columns it changed.
 */
static void
audit_column_json(AuditColumns *cols, int i)
{
	Form_pg_attribute att = TupleDescAttr(cols->desc, i);

	if (cols->json_ready[i])
		return;
	cols->json_ready[i] = true;
	cols->base_type[i] = getBaseType(att->atttypid);
	switch (cols->base_type[i])
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			cols->kind[i] = JSON_INTEGER;
			break;
		case NUMERICOID:
			cols->kind[i] = JSON_NUMERIC;
			break;
		case TEXTOID:
		case VARCHAROID:
			cols->kind[i] = JSON_TEXT;
			break;
		case BOOLOID:
			cols->kind[i] = JSON_BOOL;
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			cols->kind[i] = JSON_DATETIME;
			break;
		default:
			cols->kind[i] = JSON_OTHER;
	}
}

/* Did column i change between the two versions of a row? */
static bool
audit_changed(AuditColumns *cols, int i, TupleTableSlot *old_slot, TupleTableSlot *new_slot)
{
	Form_pg_attribute att = TupleDescAttr(cols->desc, i);
	bool		old_null = old_slot->tts_isnull[i];
	bool		new_null = new_slot->tts_isnull[i];
	Datum		old_value = old_slot->tts_values[i];
	Datum		new_value = new_slot->tts_values[i];
	TypeCacheEntry *type;

	if (old_null || new_null)
		return old_null != new_null;
	/* The same bytes are the same value; different bytes may still be equal (1.0 = 1.00). */
	if (datum_image_eq(old_value, new_value, att->attbyval, att->attlen))
		return false;
	if (cols->bytes_decide[i] == '?')
	{
		/*
		 * Types whose equality is byte equality: the integers, booleans, dates and times that
		 * audit_column_json() sorts out, and text under a deterministic collation. Not numeric
		 * (1.0 = 1.00), char(n) or floats.
		 */
		audit_column_json(cols, i);
		cols->bytes_decide[i] =
			(cols->kind[i] == JSON_INTEGER || cols->kind[i] == JSON_BOOL ||
			 cols->kind[i] == JSON_DATETIME ||
			 (cols->kind[i] == JSON_TEXT && get_collation_isdeterministic(att->attcollation)))
			? 'y' : 'n';
	}
	if (cols->bytes_decide[i] == 'y')
		return true;
	if (cols->types[i] == NULL)
		cols->types[i] = lookup_type_cache(att->atttypid, TYPECACHE_EQ_OPR_FINFO);
	type = cols->types[i];
	if (OidIsValid(type->eq_opr_finfo.fn_oid))
		return !DatumGetBool(FunctionCall2Coll(&type->eq_opr_finfo, att->attcollation,
											   old_value, new_value));
	/* Types with no equality (json, point ...): compare their text forms. */
	{
		Oid			output;
		bool		varlena;

		getTypeOutputInfo(att->atttypid, &output, &varlena);
		return strcmp(OidOutputFunctionCall(output, old_value),
					  OidOutputFunctionCall(output, new_value)) != 0;
	}
}

/* The jsonb scalar to_jsonb() would make of a value of a common type; false for the others. */
static bool
audit_scalar(AuditColumns *cols, int i, Datum datum, JsonbValue *value)
{
	switch (cols->kind[i])
	{
		case JSON_INTEGER:
			value->type = jbvNumeric;
			switch (cols->base_type[i])
			{
				case INT2OID:
					value->val.numeric = int64_to_numeric(DatumGetInt16(datum));
					break;
				case INT4OID:
					value->val.numeric = int64_to_numeric(DatumGetInt32(datum));
					break;
				default:
					value->val.numeric = int64_to_numeric(DatumGetInt64(datum));
			}
			return true;
		case JSON_NUMERIC:
			{
				Numeric		number = DatumGetNumeric(datum);

				/* to_jsonb() makes strings of these: leave them to it */
				if (numeric_is_nan(number) || numeric_is_inf(number))
					return false;
				value->type = jbvNumeric;
				value->val.numeric = number;
				return true;
			}
		case JSON_TEXT:
			{
				text	   *string = DatumGetTextPP(datum);

				value->type = jbvString;
				value->val.string.val = VARDATA_ANY(string);
				value->val.string.len = VARSIZE_ANY_EXHDR(string);
				return true;
			}
		case JSON_BOOL:
			value->type = jbvBool;
			value->val.boolean = DatumGetBool(datum);
			return true;
		case JSON_DATETIME:
			value->type = jbvString;
			value->val.string.val = JsonEncodeDateTime(NULL, datum, cols->base_type[i], NULL);
			value->val.string.len = strlen(value->val.string.val);
			return true;
		default:
			return false;
	}
}

static void
audit_push_value(JsonbParseState **state, AuditColumns *cols, int i, TupleTableSlot *slot)
{
	JsonbValue	value;
	Form_pg_attribute att = TupleDescAttr(cols->desc, i);

	audit_column_json(cols, i);
	value.type = jbvString;
	value.val.string.val = NameStr(att->attname);
	value.val.string.len = strlen(NameStr(att->attname));
	pushJsonbValue(state, WJB_KEY, &value);

	if (slot->tts_isnull[i])
		value.type = jbvNull;
	else if (audit_scalar(cols, i, slot->tts_values[i], &value))
		 /* built directly */ ;
	else
	{
		Jsonb	   *converted;

		if (!OidIsValid(cols->to_jsonb[i].fn_oid))
		{
			/* Kept for the whole statement, not the row: fmgr caches may live in it. */
			MemoryContext row_context = MemoryContextSwitchTo(cols->statement_context);

			/* to_jsonb() reads its argument's type from the call expression: give it one. */
			fmgr_info(F_TO_JSONB, &cols->to_jsonb[i]);
			cols->to_jsonb[i].fn_expr =
				(Node *) makeFuncExpr(F_TO_JSONB, JSONBOID,
									  list_make1(makeNullConst(att->atttypid, att->atttypmod,
															   att->attcollation)),
									  InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
			MemoryContextSwitchTo(row_context);
		}
		converted = DatumGetJsonbP(FunctionCall1(&cols->to_jsonb[i], slot->tts_values[i]));

		if (JB_ROOT_IS_SCALAR(converted))
			JsonbExtractScalar(&converted->root, &value);
		else
		{
			value.type = jbvBinary;
			value.val.binary.data = &converted->root;
			value.val.binary.len = VARSIZE(converted) - VARHDRSZ;
		}
	}
	pushJsonbValue(state, WJB_VALUE, &value);
}

typedef enum AuditPick
{
	PICK_KEY,					/* the primary-key columns */
	PICK_ROW,					/* every logged column */
	PICK_CHANGED				/* the logged columns that changed */
} AuditPick;

/* A jsonb object of some columns of one row version. */
static Datum
audit_object(AuditColumns *cols, AuditPick pick, TupleTableSlot *slot)
{
	JsonbParseState *state = NULL;
	JsonbValue *result;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < cols->desc->natts; i++)
	{
		bool		take;

		if (!cols->logged[i])
			continue;
		if (pick == PICK_KEY)
			take = cols->key[i];
		else if (pick == PICK_ROW)
			take = true;
		else
			take = cols->changed[i];
		if (take)
			audit_push_value(&state, cols, i, slot);
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(result));
}

static Datum
audit_record_id(AuditColumns *cols, TupleTableSlot *slot)
{
	return audit_object(cols, cols->has_key ? PICK_KEY : PICK_ROW, slot);
}

/* Mark the logged columns that changed between two versions of a row; did its key change? */
static bool
audit_compare(AuditColumns *cols, TupleTableSlot *old_slot, TupleTableSlot *new_slot)
{
	bool		key_changed = false;

	for (int i = 0; i < cols->desc->natts; i++)
	{
		cols->changed[i] = (cols->logged[i] || cols->key[i]) &&
			audit_changed(cols, i, old_slot, new_slot);
		key_changed |= cols->key[i] && cols->changed[i];
	}
	return key_changed;
}

static void
audit_set_row(AuditTarget *target, Datum record_id, Datum old_values, bool old_null,
			  Datum new_values, bool new_null)
{
	audit_set(target, COL_RECORD_ID, record_id, false);
	audit_set(target, COL_OLD_VALUES, old_values, old_null);
	audit_set(target, COL_NEW_VALUES, new_values, new_null);
	audit_insert(target);
}

static Datum
audit_text(const char *value)
{
	return PointerGetDatum(cstring_to_text(value));
}

/* The facts every row of this statement shares. */
static void
audit_set_statement_facts(AuditTarget *target, Relation rel, Trigger *trigger,
						  const char *operation, TimestampTz changed_at)
{
	Oid			relid = RelationGetRelid(rel);
	char	   *schema;
	char	   *table;
	const char *app;
	const char *app_user = NULL;
	LOCAL_FCINFO(addr_call, 0);
	Datum		addr;

	/* A write to a partition is logged under the partitioned table it belongs to. */
	if (rel->rd_rel->relispartition)
		relid = llast_oid(get_partition_ancestors(relid));

	audit_set(target, COL_CHANGED_AT, TimestampTzGetDatum(changed_at), false);
	audit_set(target, COL_RELID, ObjectIdGetDatum(relid), false);
	/* NULL only if the table went away under us: the columns may be NULL, the code not. */
	schema = get_namespace_name(get_rel_namespace(relid));
	table = get_rel_name(relid);
	audit_set(target, COL_SCHEMA, schema ? audit_text(schema) : (Datum) 0, schema == NULL);
	audit_set(target, COL_TABLE, table ? audit_text(table) : (Datum) 0, table == NULL);
	audit_set(target, COL_OPERATION, audit_text(operation), false);
	audit_set(target, COL_CHANGED_BY, audit_text(GetUserNameFromId(GetUserId(), false)), false);
	audit_set(target, COL_SESSION_USER,
			  audit_text(GetUserNameFromId(GetSessionUserId(), false)), false);
	app = GetConfigOption("application_name", true, false);
	audit_set(target, COL_APPLICATION, app ? audit_text(app) : (Datum) 0, app == NULL);

	InitFunctionCallInfoData(*addr_call, NULL, 0, InvalidOid, NULL, NULL);
	addr = inet_client_addr(addr_call);
	audit_set(target, COL_CLIENT_ADDR, addr, addr_call->isnull);

	audit_set(target, COL_TRANSACTION_ID,
			  Int64GetDatum((int64) U64FromFullTransactionId(GetTopFullTransactionId())), false);
	if (trigger->tgnargs > 0 && trigger->tgargs[0][0] != '\0')
		app_user = GetConfigOption(trigger->tgargs[0], true, false);
	if (app_user != NULL && app_user[0] != '\0')
		audit_set(target, COL_APP_USER_ID, audit_text(app_user), false);
	else
		audit_set(target, COL_APP_USER_ID, (Datum) 0, true);
	if (trigger->tgnargs > 1 && strcmp(trigger->tgargs[1], "t") == 0 && debug_query_string != NULL)
		audit_set(target, COL_STATEMENT, audit_text(debug_query_string), false);
	else
		audit_set(target, COL_STATEMENT, (Datum) 0, true);
}

/* Read a transition table with a read pointer of our own, as a scan of it would. */
static void
audit_start_reading(Tuplestorestate *store)
{
	int			pointer = tuplestore_alloc_read_pointer(store, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(store, pointer);
	tuplestore_rescan(store);
}

/* Log the rows of the transition tables, the n-th old row with the n-th new row. */
static void
audit_walk(AuditTarget *target, AuditColumns *cols, Tuplestorestate *old_rows,
		   TupleTableSlot *old_slot, Tuplestorestate *new_rows, TupleTableSlot *new_slot,
		   bool update, MemoryContext caller_context, MemoryContext row_context)
{
	for (;;)
	{
		bool		have_old;
		bool		have_new;

		/*
		 * A transition table that spilled to disk hands out tuples read into the current
		 * context, owned by the slot until its next tuple: not the row context, reset below.
		 */
		MemoryContextSwitchTo(caller_context);
		have_old = old_rows != NULL && tuplestore_gettupleslot(old_rows, true, false, old_slot);
		have_new = new_rows != NULL && tuplestore_gettupleslot(new_rows, true, false, new_slot);
		MemoryContextSwitchTo(row_context);
		if (!have_old && !have_new)
			break;
		if (have_old)
			slot_getallattrs(old_slot);
		if (have_new)
			slot_getallattrs(new_slot);

		if (have_old && have_new)
		{
			if (audit_compare(cols, old_slot, new_slot))
			{
				/* the old version whole under the old key, the new one under the new key */
				audit_set_row(target, audit_record_id(cols, old_slot),
							  audit_object(cols, PICK_ROW, old_slot), false, (Datum) 0, true);
				audit_set_row(target, audit_record_id(cols, new_slot), (Datum) 0, true,
							  audit_object(cols, PICK_ROW, new_slot), false);
			}
			else
				audit_set_row(target, audit_record_id(cols, old_slot),
							  audit_object(cols, PICK_CHANGED, old_slot), false,
							  audit_object(cols, PICK_CHANGED, new_slot), false);
		}
		else if (have_new && update)
			/* a new version with no old one: whole, as under a changed key */
			audit_set_row(target, audit_record_id(cols, new_slot), (Datum) 0, true,
						  audit_object(cols, PICK_ROW, new_slot), false);
		else if (have_new)
			/* INSERT keeps the record id only: record_history() rebuilds the rest. */
			audit_set_row(target, audit_record_id(cols, new_slot), (Datum) 0, true, (Datum) 0, true);
		else
			/* DELETE, or an old version with no new one: the row whole */
			audit_set_row(target, audit_record_id(cols, old_slot),
						  audit_object(cols, PICK_ROW, old_slot), false, (Datum) 0, true);
		MemoryContextReset(row_context);
		CHECK_FOR_INTERRUPTS();
	}
}

Datum
wedopt_audit_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	Tuplestorestate *old_rows = NULL;
	Tuplestorestate *new_rows = NULL;
	const char *operation;
	AuditColumns cols;
	AuditTarget target = {0};
	TupleTableSlot *old_slot = NULL;
	TupleTableSlot *new_slot = NULL;
	MemoryContext row_context;
	MemoryContext caller_context;
	TimestampTz changed_at = GetCurrentStatementStartTimestamp();
	bool		update = false;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wedopt: _audit_trigger() must be called as an AFTER ... FOR EACH STATEMENT trigger"),
				 errhint("SELECT wedopt.enable_audit('<table>') creates the triggers.")));
	rel = trigdata->tg_relation;

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		operation = "INSERT";
		new_rows = trigdata->tg_newtable;
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		operation = "UPDATE";
		update = true;
		old_rows = trigdata->tg_oldtable;
		new_rows = trigdata->tg_newtable;
	}
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		operation = "DELETE";
		old_rows = trigdata->tg_oldtable;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wedopt: _audit_trigger() handles INSERT, UPDATE and DELETE only")));
	if ((operation[0] != 'D' && new_rows == NULL) || (operation[0] != 'I' && old_rows == NULL))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wedopt: the audit trigger on %s has no transition table",
						RelationGetRelationName(rel)),
				 errhint("SELECT wedopt.enable_audit('%s') creates the triggers again.",
						 RelationGetRelationName(rel))));
	if ((old_rows == NULL || tuplestore_tuple_count(old_rows) == 0) &&
		(new_rows == NULL || tuplestore_tuple_count(new_rows) == 0))
		return PointerGetDatum(NULL);

	audit_prepare_columns(&cols, rel, trigdata);
	audit_open_target(&target, get_func_namespace(fcinfo->flinfo->fn_oid), changed_at);
	audit_set_statement_facts(&target, rel, trigdata->tg_trigger, operation, changed_at);

	if (old_rows != NULL)
	{
		old_slot = MakeSingleTupleTableSlot(cols.desc, &TTSOpsMinimalTuple);
		audit_start_reading(old_rows);
	}
	if (new_rows != NULL)
	{
		new_slot = MakeSingleTupleTableSlot(cols.desc, &TTSOpsMinimalTuple);
		audit_start_reading(new_rows);
	}

	row_context = AllocSetContextCreate(CurrentMemoryContext, "wedopt audit row",
										ALLOCSET_DEFAULT_SIZES);
	caller_context = MemoryContextSwitchTo(row_context);
	if (old_rows == NULL || new_rows == NULL ||
		tuplestore_tuple_count(old_rows) == tuplestore_tuple_count(new_rows))
		audit_walk(&target, &cols, old_rows, old_slot, new_rows, new_slot, update,
				   caller_context, row_context);
	else
	{
		/*
		 * Old and new rows of an UPDATE that do not come in pairs: a row moved to a partition
		 * whose BEFORE INSERT trigger dropped it leaves an old version with no new one. Pairing
		 * is then impossible: every old version is logged whole (new_values NULL), then every
		 * new version whole (old_values NULL), as for a changed key; nothing goes unlogged.
		 */
		audit_walk(&target, &cols, old_rows, old_slot, NULL, NULL, update,
				   caller_context, row_context);
		audit_walk(&target, &cols, NULL, NULL, new_rows, new_slot, update,
				   caller_context, row_context);
	}
	MemoryContextSwitchTo(caller_context);
	MemoryContextDelete(row_context);

	if (old_rows != NULL)
	{
		tuplestore_select_read_pointer(old_rows, 0);
		ExecDropSingleTupleTableSlot(old_slot);
	}
	if (new_rows != NULL)
	{
		tuplestore_select_read_pointer(new_rows, 0);
		ExecDropSingleTupleTableSlot(new_slot);
	}
	audit_close_target(&target);
	return PointerGetDatum(NULL);
}
