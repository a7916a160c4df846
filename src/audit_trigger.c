/*
 * wedopt audit: the trigger that writes wedopt.audit_log, in C.
 *
 * wedopt.enable_audit() puts three statement-level AFTER triggers on a table
 * (INSERT, UPDATE, DELETE, each REFERENCING its transition tables) that call
 * wedopt._audit_trigger(app_user_setting, log_statement, excluded column...).
 * For each statement (and table) that changed rows it writes one wedopt.audit_statement
 * row (who, from where, which transaction, which table, the statement), and for each
 * changed row one wedopt.audit_log row (record id, operation, deltas, the statement row's
 * id), exactly as the columns of the two tables describe them. Both rows are written in
 * the changing (sub)transaction: rolled back with it, never one without the other.
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

#include "access/detoast.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/partition.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "pgtime.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(wedopt_audit_trigger);

/* The columns of wedopt.audit_statement this trigger fills, looked up by name. */
typedef enum StatementColumn
{
	SC_ID,
	SC_CHANGED_AT,
	SC_RELID,
	SC_SCHEMA,
	SC_TABLE,
	SC_CHANGED_BY,
	SC_SESSION_USER,
	SC_APPLICATION,
	SC_CLIENT_ADDR,
	SC_TRANSACTION_ID,
	SC_APP_USER_ID,
	SC_STATEMENT,
	STATEMENT_NCOLUMNS
} StatementColumn;

/* The columns of wedopt.audit_log this trigger fills, looked up by name. */
typedef enum LogColumn
{
	LC_ID,
	LC_CHANGED_AT,
	LC_STATEMENT_ID,
	LC_OPERATION,
	LC_RECORD_ID,
	LC_OLD_VALUES,
	LC_NEW_VALUES,
	LOG_NCOLUMNS
} LogColumn;

#define AUDIT_MAX_COLUMNS 12

/*
 * The shape of the tables this file writes: heap_insert() checks neither types nor NOT NULL
 * nor CHECK constraints, so every column is checked against this before the first row.
 * may_be_null: this file may leave the column NULL, so it must not be NOT NULL in the table.
 * Column 0 of both is the id: a log row's from wedopt.audit_log_id_seq, a statement row's that
 * of its first log row (one sequence call less per statement).
 */
typedef struct AuditColumnShape
{
	const char *name;
	Oid			type;
	bool		may_be_null;
} AuditColumnShape;

static const AuditColumnShape statement_columns[STATEMENT_NCOLUMNS] = {
	{"id", INT8OID, false},
	{"changed_at", TIMESTAMPTZOID, false},
	{"relid", OIDOID, true},
	{"table_schema", TEXTOID, true},
	{"table_name", TEXTOID, true},
	{"changed_by", TEXTOID, false},
	{"session_user_name", TEXTOID, false},
	{"application_name", TEXTOID, true},
	{"client_addr", INETOID, true},
	{"transaction_id", INT8OID, false},
	{"app_user_id", TEXTOID, true},
	{"statement", TEXTOID, true}
};

static const AuditColumnShape log_columns[LOG_NCOLUMNS] = {
	{"id", INT8OID, false},
	{"changed_at", TIMESTAMPTZOID, false},
	{"statement_id", INT8OID, false},
	{"operation", TEXTOID, false},
	{"record_id", JSONBOID, true},
	{"old_values", JSONBOID, true},
	{"new_values", JSONBOID, true}
};

/* A table this file writes: its name and its id sequence (if any) in wedopt's schema, its columns. */
typedef struct AuditTable
{
	const char *name;
	const char *sequence;
	const AuditColumnShape *columns;
	int			ncolumns;
} AuditTable;

static const AuditTable audit_statement_table = {
	"audit_statement", NULL, statement_columns, STATEMENT_NCOLUMNS
};
static const AuditTable audit_log_table = {
	"audit_log", "audit_log_id_seq", log_columns, LOG_NCOLUMNS
};

StaticAssertDecl(STATEMENT_NCOLUMNS <= AUDIT_MAX_COLUMNS && LOG_NCOLUMNS <= AUDIT_MAX_COLUMNS,
				 "AUDIT_MAX_COLUMNS is too small");

/* Where this statement's audit rows go in one of the two tables, and what they share. */
typedef struct AuditTarget
{
	const AuditTable *table;
	Relation	parent;			/* wedopt.audit_statement or wedopt.audit_log */
	Relation	partition;		/* its partition for this statement's timestamp */
	int			attindex[AUDIT_MAX_COLUMNS];	/* 0-based position in the partition */
	int			natts;
	Oid			sequence;		/* the table's id sequence; InvalidOid for audit_statement */
	CommandId	cid;
	Datum	   *values;			/* one row, in the partition's column order */
	bool	   *nulls;
	/* only when the partition has indexes (audit_statement's key, setting audit.record_index) */
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	/* audit_log: the statement's audit_statement target, written before its first log row */
	struct AuditTarget *statement;
	/* audit_statement: whether its row is written, and its id */
	bool		written;
	int64		id;
	/* audit_log: rows formed but not yet written, written together (heap_multi_insert) */
	bool		batched;
	TupleTableSlot **batch;		/* AUDIT_BATCH_ROWS slots, made as needed */
	int			nbatch;
	int			nslots;
	Size		batch_bytes;
	MemoryContext batch_context;
	BulkInsertState bistate;	/* once a statement writes a full batch */
} AuditTarget;

/*
 * A statement's log rows are written a batch at a time, as COPY writes its rows: one WAL record
 * and one buffer lock per page, not per row. A batch is written when it holds this many rows or
 * bytes, and before the trigger returns.
 */
#define AUDIT_BATCH_ROWS 1000
#define AUDIT_BATCH_BYTES ((Size) 1024 * 1024)

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
	bool	   *changed;		/* this row's changed columns (audit_compare) */
	Size		max_value;		/* a value larger than this is logged as a marker; 0: no limit */
	Size		object_used;	/* bytes put into the jsonb object being built */
} AuditColumns;

/* jsonb refuses objects beyond 256 MB: a row's values stop well short of it. */
#define AUDIT_MAX_OBJECT ((Size) 200 * 1024 * 1024)

/*
 * What audit_open_target() looked up and checked, per table, kept across statements: the
 * oids of the table and its sequence in wedopt's schema, and the partition whose shape was
 * checked. A relcache invalidation of any of them (ALTER, DROP, a partition attached or
 * detached, an invalidation overflow) forgets it (audit_relcache_callback).
 */
typedef struct AuditTableCache
{
	bool		valid;			/* nsp, parent, sequence */
	Oid			nsp;
	Oid			parent;
	Oid			sequence;
	bool		shape_valid;	/* partition, attindex */
	Oid			partition;
	int			attindex[AUDIT_MAX_COLUMNS];
} AuditTableCache;

static AuditTableCache audit_cache[2];
static bool audit_callback_registered = false;

static void
audit_relcache_callback(Datum arg, Oid relid)
{
	for (int i = 0; i < lengthof(audit_cache); i++)
	{
		AuditTableCache *cache = &audit_cache[i];

		if (!OidIsValid(relid) || relid == cache->parent || relid == cache->sequence)
			cache->valid = false;
		if (!OidIsValid(relid) || relid == cache->parent || relid == cache->partition)
			cache->shape_valid = false;
	}
}

/*
 * Check the partition target writes against the columns this file fills (heap_insert() checks
 * none of it), and set target->attindex.
 */
static void
audit_check_shape(AuditTarget *target, const AuditTable *table, TupleDesc part_desc)
{
	/*
	 * heap_insert() applies no defaults and checks no NOT NULL: every column of the table must
	 * be one this file fills, or a column added to it later would silently stay NULL.
	 */
	{
		int			live = 0;

		for (int i = 0; i < part_desc->natts; i++)
			live += TupleDescAttr(part_desc, i)->attisdropped ? 0 : 1;
		if (live != table->ncolumns)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("wedopt: %s (a partition of wedopt.%s) has %d columns, the audit trigger fills %d",
							RelationGetRelationName(target->partition), table->name, live,
							table->ncolumns),
					 errhint("The installed wedopt library and its SQL objects differ: "
							 "make install, then ALTER EXTENSION wedopt UPDATE.")));
	}
	for (int c = 0; c < table->ncolumns; c++)
	{
		const AuditColumnShape *shape = &table->columns[c];
		Form_pg_attribute att = NULL;

		target->attindex[c] = -1;
		for (int i = 0; i < part_desc->natts; i++)
		{
			att = TupleDescAttr(part_desc, i);
			if (!att->attisdropped && strcmp(NameStr(att->attname), shape->name) == 0)
			{
				target->attindex[c] = i;
				break;
			}
		}
		if (target->attindex[c] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("wedopt: %s (a partition of wedopt.%s) has no column %s",
							RelationGetRelationName(target->partition), table->name, shape->name),
					 errhint("The audit trigger writes the columns wedopt.%s was created with: "
							 "put the column back, or drop and create the extension again.",
							 table->name)));
		if (att->atttypid != shape->type || att->atttypmod != -1 ||
			(att->attnotnull && shape->may_be_null) || att->attgenerated != '\0')
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("wedopt: column %s of %s (a partition of wedopt.%s) is %s%s, the audit trigger writes %s%s",
							shape->name, RelationGetRelationName(target->partition), table->name,
							format_type_with_typemod(att->atttypid, att->atttypmod),
							att->attnotnull ? " NOT NULL" : "",
							format_type_be(shape->type),
							shape->may_be_null ? " (may be NULL)" : ""),
					 errhint("Audit rows are written below the executor, which would not convert them: "
							 "ALTER TABLE wedopt.%s ALTER %s TYPE %s%s.",
							 table->name, shape->name, format_type_be(shape->type),
							 shape->may_be_null && att->attnotnull
							 ? psprintf(", ALTER %s DROP NOT NULL", shape->name) : "")));
	}
	/* heap_insert() checks no CHECK constraint either: a log that has one is not ours. */
	if (part_desc->constr != NULL && part_desc->constr->num_check > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("wedopt: %s (a partition of wedopt.%s) has a CHECK constraint the audit trigger cannot honour",
						RelationGetRelationName(target->partition), table->name),
				 errhint("Drop the CHECK constraint from wedopt.%s and its partitions.", table->name)));
}

static void
audit_open_target(AuditTarget *target, const AuditTable *table, Oid nsp, TimestampTz changed_at)
{
	AuditTableCache *cache = &audit_cache[table == &audit_log_table ? 1 : 0];
	PartitionKey key;
	PartitionDesc desc;
	PartitionBoundInfo bounds;
	int			index = -1;
	Datum		value = TimestampTzGetDatum(changed_at);
	TupleDesc	part_desc;

	if (!audit_callback_registered)
	{
		CacheRegisterRelcacheCallback(audit_relcache_callback, (Datum) 0);
		audit_callback_registered = true;
	}
	target->table = table;
	/*
	 * The table, looked up by name unless known: a known oid may be stale (the table dropped
	 * and made again), which taking its lock reveals (the invalidation then arrives); then it
	 * is looked up again, once (a fresh lookup is what every statement did before).
	 */
	for (int attempt = 0;; attempt++)
	{
		if (!cache->valid || cache->nsp != nsp)
		{
			cache->valid = false;
			cache->nsp = nsp;
			cache->parent = OidIsValid(nsp) ? get_relname_relid(table->name, nsp) : InvalidOid;
			cache->sequence = OidIsValid(nsp) && table->sequence != NULL
				? get_relname_relid(table->sequence, nsp) : InvalidOid;
			if (!OidIsValid(cache->parent) ||
				(table->sequence != NULL &&
				 (!OidIsValid(cache->sequence) || get_rel_relkind(cache->sequence) != RELKIND_SEQUENCE)))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_TABLE),
						 errmsg("wedopt: wedopt.%s or its id sequence is missing", table->name),
						 errhint("ALTER EXTENSION wedopt UPDATE, or drop and create the extension again.")));
			cache->valid = true;
		}
		target->parent = try_table_open(cache->parent, RowExclusiveLock);
		/* a fresh lookup is taken as it is, as it was before this cache */
		if (target->parent != NULL && (cache->valid || attempt > 0))
			break;
		if (target->parent != NULL)
			table_close(target->parent, NoLock);
		cache->valid = false;
		if (attempt > 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("wedopt: wedopt.%s went away while an audited statement was writing", table->name),
					 errhint("Run the statement again.")));
	}
	target->sequence = cache->sequence;
	if (target->parent->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("wedopt: wedopt.%s is not partitioned", table->name),
				 errhint("Drop and create the extension again.")));

	/* The partition for this timestamp, as tuple routing would choose it. */
	key = RelationGetPartitionKey(target->parent);
	if (key == NULL || key->strategy != PARTITION_STRATEGY_RANGE || key->partnatts != 1 ||
		key->parttypid[0] != TIMESTAMPTZOID || key->partattrs[0] <= 0 ||
		key->partattrs[0] > RelationGetDescr(target->parent)->natts ||
		strcmp(NameStr(TupleDescAttr(RelationGetDescr(target->parent),
									 key->partattrs[0] - 1)->attname), "changed_at") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("wedopt: wedopt.%s is not partitioned by range of changed_at", table->name),
				 errhint("Drop and create the extension again.")));
	desc = RelationGetPartitionDesc(target->parent, true);
	bounds = desc != NULL ? desc->boundinfo : NULL;
	if (bounds != NULL && bounds->ndatums > 0)
	{
		bool		equal = false;
		int			offset = partition_range_datum_bsearch(key->partsupfunc,
														   key->partcollation,
														   bounds, 1, &value, &equal);

		if (offset + 1 >= 0 && offset + 1 <= bounds->ndatums)
			index = bounds->indexes[offset + 1];
	}
	if (index < 0 && bounds != NULL && partition_bound_has_default(bounds))
		index = bounds->default_index;
	if (desc == NULL || index < 0 || index >= desc->nparts)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("wedopt: wedopt.%s has no partition for %s",
						table->name, timestamptz_to_str(changed_at)),
				 errhint("SELECT * FROM wedopt.maintain_audit_log(); creates the partitions.")));
	target->partition = table_open(desc->oids[index], RowExclusiveLock);
	/* heap_insert() and heap_multi_insert() write heap pages: a plain heap table only. */
	if (target->partition->rd_rel->relkind != RELKIND_RELATION ||
		target->partition->rd_rel->relam != HEAP_TABLE_AM_OID)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("wedopt: %s, the partition of wedopt.%s for %s, is not a plain heap table",
						RelationGetRelationName(target->partition), table->name,
						timestamptz_to_str(changed_at)),
				 errhint("wedopt.maintain_audit_log() creates plain monthly partitions; "
						 "detach this one and run it.")));

	part_desc = RelationGetDescr(target->partition);
	target->natts = part_desc->natts;

	/* The shape, checked once per partition and kept until its relcache entry is invalidated. */
	if (cache->shape_valid && cache->partition == RelationGetRelid(target->partition))
		memcpy(target->attindex, cache->attindex, sizeof(target->attindex));
	else
	{
		audit_check_shape(target, table, part_desc);
		memcpy(cache->attindex, target->attindex, sizeof(target->attindex));
		cache->partition = RelationGetRelid(target->partition);
		cache->shape_valid = true;
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

/*
 * Both tables of wedopt's schema (the schema of the trigger function), the statement's first:
 * the order maintain_audit_log() and _audit_action() take them in too.
 */
static void
audit_open_targets(AuditTarget *statement, AuditTarget *log, Oid fn, TimestampTz changed_at)
{
	Oid			nsp = get_func_namespace(fn);

	audit_open_target(statement, &audit_statement_table, nsp, changed_at);
	audit_open_target(log, &audit_log_table, nsp, changed_at);
	log->batched = true;
	log->batch = palloc(sizeof(TupleTableSlot *) * AUDIT_BATCH_ROWS);
	log->batch_context = AllocSetContextCreate(CurrentMemoryContext, "wedopt audit batch",
											   ALLOCSET_DEFAULT_SIZES);
}

static void
audit_close_target(AuditTarget *target)
{
	Assert(target->nbatch == 0);
	for (int i = 0; i < target->nslots; i++)
		ExecDropSingleTupleTableSlot(target->batch[i]);
	if (target->bistate != NULL)
		FreeBulkInsertState(target->bistate);
	if (target->batch_context != NULL)
		MemoryContextDelete(target->batch_context);
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
audit_set(AuditTarget *target, int column, Datum value, bool isnull)
{
	target->values[target->attindex[column]] = value;
	target->nulls[target->attindex[column]] = isnull;
}

static void
audit_insert_index_entries(AuditTarget *target, TupleTableSlot *slot)
{
#if PG_VERSION_NUM >= 160000
	ExecInsertIndexTuples(target->rri, slot, target->estate, false, false, NULL, NIL, false);
#else
	ExecInsertIndexTuples(target->rri, slot, target->estate, false, false, NULL, NIL);
#endif
	ResetPerTupleExprContext(target->estate);
}

/* Write the rows of the batch (one alone as heap_insert() would), with their index entries. */
static void
audit_flush(AuditTarget *target)
{
	if (target->nbatch == 0)
		return;
	if (target->nbatch == 1)
	{
		HeapTuple	tuple = ExecFetchSlotHeapTuple(target->batch[0], false, NULL);

		heap_insert(target->partition, tuple, target->cid, 0, target->bistate);
		ItemPointerCopy(&tuple->t_self, &target->batch[0]->tts_tid);
	}
	else
	{
		if (target->nbatch == AUDIT_BATCH_ROWS && target->bistate == NULL)
		{
			/* kept as long as the target, not the row (the caller's context) */
			MemoryContext caller = MemoryContextSwitchTo(GetMemoryChunkContext(target->batch));

			target->bistate = GetBulkInsertState();
			MemoryContextSwitchTo(caller);
		}
		heap_multi_insert(target->partition, target->batch, target->nbatch, target->cid, 0,
						  target->bistate);
	}
	for (int i = 0; i < target->nbatch; i++)
	{
		if (target->rri != NULL)
			audit_insert_index_entries(target, target->batch[i]);
		ExecClearTuple(target->batch[i]);
	}
	target->nbatch = 0;
	target->batch_bytes = 0;
	MemoryContextReset(target->batch_context);
}

/*
 * Write the target's row as its values stand, with this id (column 0 of both tables): at once,
 * or (audit_log) into the batch, written by audit_flush().
 */
static void
audit_insert(AuditTarget *target, int64 id)
{
	HeapTuple	tuple;
	TupleDesc	desc = RelationGetDescr(target->partition);

	audit_set(target, 0, Int64GetDatum(id), false);
	if (target->batched)
	{
		MemoryContext caller = MemoryContextSwitchTo(target->batch_context);

		tuple = heap_form_tuple(desc, target->values, target->nulls);
		MemoryContextSwitchTo(caller);
		if (target->nbatch == target->nslots)
		{
			/* the slots live as long as the target, not the row (the caller's context) */
			caller = MemoryContextSwitchTo(GetMemoryChunkContext(target->batch));
			target->batch[target->nslots++] = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
			MemoryContextSwitchTo(caller);
		}
		ExecStoreHeapTuple(tuple, target->batch[target->nbatch++], false);
		target->batch_bytes += tuple->t_len;
		if (target->nbatch == AUDIT_BATCH_ROWS || target->batch_bytes >= AUDIT_BATCH_BYTES)
			audit_flush(target);
		return;
	}
	tuple = heap_form_tuple(desc, target->values, target->nulls);
	heap_insert(target->partition, tuple, target->cid, 0, NULL);
	if (target->rri != NULL)
	{
		ExecStoreHeapTuple(tuple, target->slot, false);
		audit_insert_index_entries(target, target->slot);
		ExecClearTuple(target->slot);
	}
}

/*
 * The options in an audit trigger's arguments, as enable_audit() writes them: the
 * application-user setting, log_statement (t/f), the value size limit in bytes (0: none),
 * then one "<attnum>:<name>" per excluded column. Anything else is an error, not a guess.
 */
static Size
audit_check_args(Relation rel, Trigger *trigger)
{
	long		limit = -1;
	char	   *end = NULL;

	if (trigger->tgnargs >= 3)
		limit = strtol(trigger->tgargs[2], &end, 10);
	if (trigger->tgnargs < 3 || end == trigger->tgargs[2] || *end != '\0' || limit < 0 ||
		(strcmp(trigger->tgargs[1], "t") != 0 && strcmp(trigger->tgargs[1], "f") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wedopt: the audit trigger %s on %s has arguments this library does not know",
						trigger->tgname, RelationGetRelationName(rel)),
				 errhint("SELECT wedopt.enable_audit('%s') creates the triggers again.",
						 RelationGetRelationName(rel))));
	for (int a = 3; a < trigger->tgnargs; a++)
	{
		(void) strtol(trigger->tgargs[a], &end, 10);
		if (end == trigger->tgargs[a] || *end != ':')
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("wedopt: the audit trigger %s on %s has a malformed excluded column \"%s\"",
							trigger->tgname, RelationGetRelationName(rel), trigger->tgargs[a]),
					 errhint("SELECT wedopt.enable_audit('%s') creates the triggers again.",
							 RelationGetRelationName(rel))));
	}
	return (Size) limit;
}

static int
audit_column_named(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i;
	}
	return -1;
}

/*
 * The primary key's key columns (not its INCLUDE columns; a DEFERRABLE key counts too, which
 * the relcache's primary-key bitmap leaves out), read from pg_index every statement: a key
 * dropped, added or renamed is seen at once.
 */
static void
audit_find_key(AuditColumns *cols, Relation rel)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;

		if (!HeapTupleIsValid(tuple))
			continue;
		index = (Form_pg_index) GETSTRUCT(tuple);
		if (index->indisprimary)
			for (int k = 0; k < index->indnkeyatts && k < index->indkey.dim1; k++)
			{
				AttrNumber	attnum = index->indkey.values[k];

				if (attnum > 0 && attnum <= cols->desc->natts &&
					!TupleDescAttr(cols->desc, attnum - 1)->attisdropped)
				{
					cols->key[attnum - 1] = true;
					cols->has_key = true;
				}
			}
		ReleaseSysCache(tuple);
	}
	list_free(indexes);
}

/*
 * Which columns of rel are logged. Excluded columns come from the trigger's arguments, each
 * by its identity (attnum, which a RENAME keeps) and by its name (which a dump and restore
 * keeps while it renumbers the columns): a column that either designates is left out, so a
 * rename leaks nothing. With names (a partition a TRUNCATE of its parent covers, whose
 * columns always bear the parent's names) the names decide. The names of the columns left out
 * are appended to *resolved, if given.
 */
static void
audit_prepare_columns(AuditColumns *cols, Relation rel, Trigger *trigger, List *names,
					  List **resolved, Size max_value)
{
	TupleDesc	desc = RelationGetDescr(rel);

	cols->desc = desc;
	cols->statement_context = CurrentMemoryContext;
	cols->logged = palloc0(sizeof(bool) * desc->natts);
	cols->key = palloc0(sizeof(bool) * desc->natts);
	cols->to_jsonb = palloc0(sizeof(FmgrInfo) * desc->natts);
	cols->kind = palloc0(sizeof(AuditJsonKind) * desc->natts);
	cols->json_ready = palloc0(sizeof(bool) * desc->natts);
	cols->base_type = palloc0(sizeof(Oid) * desc->natts);
	cols->changed = palloc0(sizeof(bool) * desc->natts);
	cols->has_key = false;
	cols->max_value = max_value;
	cols->object_used = 0;

	for (int i = 0; i < desc->natts; i++)
		cols->logged[i] = !TupleDescAttr(desc, i)->attisdropped;

	if (trigger != NULL)
		for (int a = 3; a < trigger->tgnargs; a++)
		{
			char	   *end;
			long		attnum = strtol(trigger->tgargs[a], &end, 10);
			int			by_name = audit_column_named(desc, end + 1);

			if (attnum >= 1 && attnum <= desc->natts)
				cols->logged[attnum - 1] = false;
			if (by_name >= 0)
				cols->logged[by_name] = false;
		}
	else
	{
		ListCell   *lc;

		foreach(lc, names)
		{
			int			i = audit_column_named(desc, (const char *) lfirst(lc));

			if (i >= 0)
				cols->logged[i] = false;
		}
	}
	if (resolved != NULL)
		for (int i = 0; i < desc->natts; i++)
			if (!cols->logged[i] && !TupleDescAttr(desc, i)->attisdropped)
				*resolved = lappend(*resolved, pstrdup(NameStr(TupleDescAttr(desc, i)->attname)));
	audit_find_key(cols, rel);
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

/*
 * Did column i change between the two versions of a row? A change is a change of the stored
 * value, not what the type's = says: a citext or case-insensitive collation's case change,
 * -0, '1 day' to '24 hours' and 1.0 to 1.00 are all changes.
 */
static bool
audit_changed(AuditColumns *cols, int i, TupleTableSlot *old_slot, TupleTableSlot *new_slot)
{
	Form_pg_attribute att = TupleDescAttr(cols->desc, i);
	bool		old_null = old_slot->tts_isnull[i];
	bool		new_null = new_slot->tts_isnull[i];
	Datum		old_value = old_slot->tts_values[i];
	Datum		new_value = new_slot->tts_values[i];

	if (old_null || new_null)
		return old_null != new_null;
	if (att->attlen == -1)
	{
		struct varlena *old_var = (struct varlena *) DatumGetPointer(old_value);
		struct varlena *new_var = (struct varlena *) DatumGetPointer(new_value);

		if (old_var == new_var)
			return false;
		/*
		 * An UPDATE that leaves an out-of-line value alone keeps its toast pointer: the same
		 * pointer is the same value, and reading it (twice) is what made such UPDATEs slow.
		 */
		if (VARATT_IS_EXTERNAL_ONDISK(old_var) && VARATT_IS_EXTERNAL_ONDISK(new_var))
		{
			struct varatt_external old_ptr;
			struct varatt_external new_ptr;

			VARATT_EXTERNAL_GET_POINTER(old_ptr, old_var);
			VARATT_EXTERNAL_GET_POINTER(new_ptr, new_var);
			if (old_ptr.va_valueid == new_ptr.va_valueid &&
				old_ptr.va_toastrelid == new_ptr.va_toastrelid)
				return false;
		}
	}
	return !datum_image_eq(old_value, new_value, att->attbyval, att->attlen);
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

/* The sha256 of a varlena value's bytes, in hex. */
static char *
audit_sha256(Datum datum)
{
	struct varlena *value = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(datum));
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (uint8 *) VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("wedopt: could not compute the digest of a large audited value"),
				 errhint("Lower the setting audit.max_value_size.")));
	pg_cryptohash_free(ctx);
	for (int b = 0; b < PG_SHA256_DIGEST_LENGTH; b++)
		snprintf(hex + 2 * b, 3, "%02x", digest[b]);
	if ((Pointer) value != DatumGetPointer(datum))
		pfree(value);
	return hex;
}

/*
 * A value larger than the setting audit.max_value_size (or one that would take the row's
 * jsonb object past AUDIT_MAX_OBJECT) is logged as a marker with its length and digest:
 * audit must never block the write it records.
 */
static bool
audit_too_large(AuditColumns *cols, Datum datum, JsonbValue *value)
{
	Size		size = toast_raw_datum_size(datum) - VARHDRSZ;
	JsonbParseState *state = NULL;
	JsonbValue	item;
	Jsonb	   *marker;

	if ((cols->max_value == 0 || size <= cols->max_value) &&
		cols->object_used + size <= AUDIT_MAX_OBJECT)
	{
		cols->object_used += size;
		return false;
	}
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	item.type = jbvString;
	item.val.string.val = "wedopt_omitted";
	item.val.string.len = strlen(item.val.string.val);
	pushJsonbValue(&state, WJB_KEY, &item);
	item.val.string.val = "larger than audit.max_value_size";
	item.val.string.len = strlen(item.val.string.val);
	pushJsonbValue(&state, WJB_VALUE, &item);
	item.val.string.val = "bytes";
	item.val.string.len = strlen(item.val.string.val);
	pushJsonbValue(&state, WJB_KEY, &item);
	item.type = jbvNumeric;
	item.val.numeric = int64_to_numeric((int64) size);
	pushJsonbValue(&state, WJB_VALUE, &item);
	item.type = jbvString;
	item.val.string.val = "sha256";
	item.val.string.len = strlen(item.val.string.val);
	pushJsonbValue(&state, WJB_KEY, &item);
	item.val.string.val = audit_sha256(datum);
	item.val.string.len = strlen(item.val.string.val);
	pushJsonbValue(&state, WJB_VALUE, &item);
	marker = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	value->type = jbvBinary;
	value->val.binary.data = &marker->root;
	value->val.binary.len = VARSIZE(marker) - VARHDRSZ;
	return true;
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
	else if (att->attlen == -1 && audit_too_large(cols, slot->tts_values[i], &value))
		 /* a marker */ ;
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

	cols->object_used = 0;
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

/*
 * One audit_log row. The statement's audit_statement row is written just before its first
 * log row, with that row's id: a statement that changed no row (a TRUNCATE of an empty
 * table) leaves none.
 */
static void
audit_set_row(AuditTarget *target, Datum record_id, Datum old_values, bool old_null,
			  Datum new_values, bool new_null)
{
	AuditTarget *statement = target->statement;
	int64		id = nextval_internal(target->sequence, false);

	if (!statement->written)
	{
		statement->id = id;
		audit_insert(statement, id);
		statement->written = true;
	}
	audit_set(target, LC_STATEMENT_ID, Int64GetDatum(statement->id), false);
	audit_set(target, LC_RECORD_ID, record_id, false);
	audit_set(target, LC_OLD_VALUES, old_values, old_null);
	audit_set(target, LC_NEW_VALUES, new_values, new_null);
	audit_insert(target, id);
}

static Datum
audit_text(const char *value)
{
	return PointerGetDatum(cstring_to_text(value));
}

/* Does relation relid carry a trigger named tgname that calls function fn (and is enabled)? */
static bool
audit_has_trigger(Oid relid, const char *tgname, Oid fn, bool enabled_only)
{
	Relation	catalog = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	ScanKeyInit(&key[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum(tgname));
	scan = systable_beginscan(catalog, TriggerRelidNameIndexId, true, NULL, 2, key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_trigger trigger = (Form_pg_trigger) GETSTRUCT(tuple);

		found = trigger->tgfoid == fn && (!enabled_only || trigger->tgenabled != TRIGGER_DISABLED);
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return found;
}

/* The partitioned table relid belongs to, a partition being detached included; or InvalidOid. */
static Oid
audit_parent(Oid relid)
{
	if (!get_rel_relispartition(relid))
		return InvalidOid;
	return get_partition_parent(relid, true);
}

/*
 * The table a change of rel is logged under: the topmost of rel and the partitioned tables it
 * belongs to that carries this audit trigger too (enable_audit() put it on the whole tree).
 * A partition audited on its own is logged under its own name. The parents are read from
 * pg_inherits, also while a DETACH ... CONCURRENTLY is pending (get_partition_ancestors()
 * then returns nothing).
 */
static Oid
audit_log_relid(Relation rel, Trigger *trigger, Oid fn)
{
	Oid			result = RelationGetRelid(rel);
	Oid			current = result;

	if (!rel->rd_rel->relispartition)
		return result;
	for (int depth = 0; depth < 1000; depth++)
	{
		Oid			parent = audit_parent(current);

		if (!OidIsValid(parent))
			break;
		if (audit_has_trigger(parent, trigger->tgname, fn, false))
			result = parent;
		current = parent;
	}
	return result;
}

/* The facts of this statement (its audit_statement row), and what its log rows share. */
static void
audit_set_statement_facts(AuditTarget *target, AuditTarget *log, Oid relid, Trigger *trigger,
						  const char *operation, TimestampTz changed_at)
{
	char	   *schema;
	char	   *table;
	const char *app;
	const char *app_user = NULL;
	LOCAL_FCINFO(addr_call, 0);
	Datum		addr;

	audit_set(log, LC_CHANGED_AT, TimestampTzGetDatum(changed_at), false);
	audit_set(log, LC_OPERATION, audit_text(operation), false);
	log->statement = target;
	target->written = false;

	audit_set(target, SC_CHANGED_AT, TimestampTzGetDatum(changed_at), false);
	audit_set(target, SC_RELID, ObjectIdGetDatum(relid), false);
	/* NULL only if the table went away under us: the columns may be NULL, the code not. */
	schema = get_namespace_name(get_rel_namespace(relid));
	table = get_rel_name(relid);
	audit_set(target, SC_SCHEMA, schema ? audit_text(schema) : (Datum) 0, schema == NULL);
	audit_set(target, SC_TABLE, table ? audit_text(table) : (Datum) 0, table == NULL);
	audit_set(target, SC_CHANGED_BY, audit_text(GetUserNameFromId(GetUserId(), false)), false);
	audit_set(target, SC_SESSION_USER,
			  audit_text(GetUserNameFromId(GetSessionUserId(), false)), false);
	app = GetConfigOption("application_name", true, false);
	audit_set(target, SC_APPLICATION, app ? audit_text(app) : (Datum) 0, app == NULL);

	InitFunctionCallInfoData(*addr_call, NULL, 0, InvalidOid, NULL, NULL);
	addr = inet_client_addr(addr_call);
	audit_set(target, SC_CLIENT_ADDR, addr, addr_call->isnull);

	audit_set(target, SC_TRANSACTION_ID,
			  Int64GetDatum((int64) U64FromFullTransactionId(GetTopFullTransactionId())), false);
	if (trigger->tgnargs > 0 && trigger->tgargs[0][0] != '\0')
		app_user = GetConfigOption(trigger->tgargs[0], true, false);
	if (app_user != NULL && app_user[0] != '\0')
		audit_set(target, SC_APP_USER_ID, audit_text(app_user), false);
	else
		audit_set(target, SC_APP_USER_ID, (Datum) 0, true);
	if (trigger->tgnargs > 1 && strcmp(trigger->tgargs[1], "t") == 0 && debug_query_string != NULL)
		audit_set(target, SC_STATEMENT, audit_text(debug_query_string), false);
	else
		audit_set(target, SC_STATEMENT, (Datum) 0, true);
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

/*
 * Record ids and values must not depend on the writer's session: a timestamptz key written
 * in Europe/Berlin must be the one record_history() finds in UTC. For the length of the
 * trigger call the settings that change what to_jsonb() and the output functions make are
 * pinned (as a function's SET clause would; an error undoes them with the transaction);
 * returns the GUC nest level to pop, or -1 if the session had them already.
 */
static const char *const audit_canonical[][2] = {
	{"DateStyle", "ISO, MDY"},
	{"IntervalStyle", "postgres"},
	{"extra_float_digits", "1"},
	{"bytea_output", "hex"},
};

static int
audit_canonical_settings(void)
{
	int			level = -1;
	long		offset = 1;

	if (session_timezone == NULL || !pg_get_timezone_offset(session_timezone, &offset) || offset != 0)
	{
		level = NewGUCNestLevel();
		(void) set_config_option("TimeZone", "UTC", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	for (int i = 0; i < lengthof(audit_canonical); i++)
	{
		const char *current = GetConfigOption(audit_canonical[i][0], true, false);

		if (current != NULL && strcmp(current, audit_canonical[i][1]) == 0)
			continue;
		if (level < 0)
			level = NewGUCNestLevel();
		(void) set_config_option(audit_canonical[i][0], audit_canonical[i][1], PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	}
	return level;
}

/* Log every row of one table as removed by TRUNCATE, read with the given snapshot. */
static void
audit_truncate_rows(AuditTarget *target, AuditColumns *cols, Relation rel, Snapshot snapshot,
					MemoryContext row_context)
{
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	MemoryContext caller_context = CurrentMemoryContext;

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		MemoryContextSwitchTo(row_context);
		slot_getallattrs(slot);
		audit_set_row(target, audit_record_id(cols, slot), audit_object(cols, PICK_ROW, slot), false,
					  (Datum) 0, true);
		MemoryContextSwitchTo(caller_context);
		MemoryContextReset(row_context);
		CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
}

/*
 * The partition (or partitioned table) under top, top included, that logs the rows of leaf
 * when top is truncated: the lowest of them whose own audit TRUNCATE trigger is enabled, so
 * that a partition created or attached after enable_audit() (with no triggers of its own) is
 * covered by its parent, and no row is logged twice.
 */
static Oid
audit_truncate_owner(Oid leaf, Oid top, const char *tgname, Oid fn)
{
	Oid			current = leaf;

	for (int depth = 0; depth < 1000 && OidIsValid(current); depth++)
	{
		if (current == top || audit_has_trigger(current, tgname, fn, true))
			return current;
		current = audit_parent(current);
	}
	return top;
}

/*
 * TRUNCATE: BEFORE TRUNCATE fires no transition tables, so the rows are read from the table
 * itself, with a snapshot taken now, under the ACCESS EXCLUSIVE lock TRUNCATE holds: every
 * row it removes is one this sees. No SQL is built, nothing depends on column names.
 */
static void
audit_truncate(AuditTarget *target, Relation rel, Trigger *trigger, Size max_value,
			   Oid fn, MemoryContext row_context)
{
	AuditColumns cols;
	List	   *excluded = NIL;
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	Oid			relid = RelationGetRelid(rel);

	audit_prepare_columns(&cols, rel, trigger, NIL, &excluded, max_value);
	if (rel->rd_rel->relkind == RELKIND_RELATION)
		audit_truncate_rows(target, &cols, rel, snapshot, row_context);
	else if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
	{
		List	   *tree = find_all_inheritors(relid, AccessShareLock, NULL);
		ListCell   *lc;

		foreach(lc, tree)
		{
			Oid			child = lfirst_oid(lc);
			Relation	leaf;
			AuditColumns leaf_cols;

			if (child == relid || get_rel_relkind(child) != RELKIND_RELATION ||
				audit_truncate_owner(child, relid, trigger->tgname, fn) != relid)
				continue;
			leaf = table_open(child, AccessShareLock);
			audit_prepare_columns(&leaf_cols, leaf, NULL, excluded, NULL, max_value);
			audit_truncate_rows(target, &leaf_cols, leaf, snapshot, row_context);
			table_close(leaf, NoLock);
		}
	}
	UnregisterSnapshot(snapshot);
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
	AuditTarget statement = {0};
	TupleTableSlot *old_slot = NULL;
	TupleTableSlot *new_slot = NULL;
	MemoryContext row_context;
	MemoryContext caller_context;
	TimestampTz changed_at = GetCurrentStatementStartTimestamp();
	bool		update = false;
	Size		max_value;
	Oid			fn = fcinfo->flinfo->fn_oid;
	int			guc_level;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		(TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event)
		 ? !TRIGGER_FIRED_BEFORE(trigdata->tg_event) : !TRIGGER_FIRED_AFTER(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wedopt: _audit_trigger() must be called as an AFTER ... FOR EACH STATEMENT "
						"trigger (BEFORE for TRUNCATE)"),
				 errhint("SELECT wedopt.enable_audit('<table>') creates the triggers.")));
	rel = trigdata->tg_relation;
	max_value = audit_check_args(rel, trigdata->tg_trigger);

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
	{
		guc_level = audit_canonical_settings();
		audit_open_targets(&statement, &target, fn, changed_at);
		audit_set_statement_facts(&statement, &target, audit_log_relid(rel, trigdata->tg_trigger, fn),
								  trigdata->tg_trigger, "TRUNCATE", changed_at);
		row_context = AllocSetContextCreate(CurrentMemoryContext, "wedopt audit row",
											ALLOCSET_DEFAULT_SIZES);
		audit_truncate(&target, rel, trigdata->tg_trigger, max_value, fn, row_context);
		MemoryContextDelete(row_context);
		audit_flush(&target);
		audit_close_target(&target);
		audit_close_target(&statement);
		if (guc_level >= 0)
			AtEOXact_GUC(true, guc_level);
		return PointerGetDatum(NULL);
	}
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
				 errmsg("wedopt: _audit_trigger() handles INSERT, UPDATE, DELETE and TRUNCATE only"),
				 errhint("SELECT wedopt.enable_audit('<table>') creates the triggers.")));
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

	audit_prepare_columns(&cols, rel, trigdata->tg_trigger, NIL, NULL, max_value);
	guc_level = audit_canonical_settings();
	audit_open_targets(&statement, &target, fn, changed_at);
	audit_set_statement_facts(&statement, &target, audit_log_relid(rel, trigdata->tg_trigger, fn),
							  trigdata->tg_trigger, operation, changed_at);

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
	audit_flush(&target);
	audit_close_target(&target);
	audit_close_target(&statement);
	if (guc_level >= 0)
		AtEOXact_GUC(true, guc_level);
	return PointerGetDatum(NULL);
}
