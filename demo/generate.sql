-- The demo's data generator: set-based SQL inside the database, one INSERT ... SELECT per
-- table, with the skew of a real wedding platform (DOMAIN.md):
--   * weddings: 83 % of them April-October, about 60 % on a Saturday;
--   * bookings: most booked in the November-February engagement surge;
--   * a few big venues take most weddings (venue ids drawn as n * u^3);
--   * guest counts per wedding Pareto-distributed (many small weddings, a few huge ones);
--   * status columns with few distinct values and realistic shares;
--   * vendor descriptions made of real words, for full-text search.
-- Row counts grow linearly with the scale; scale 1 is about 100,000 bookings.
--
--   SELECT * FROM wedding.generate_data(1);                        -- scale
--   SELECT * FROM wedding.generate_data(1, 0.42, date '2026-06-01'); -- scale, seed, reference date
--
-- Reproducible: the same (scale, seed, as_of) gives the same rows, ids included, whatever
-- the day, the session's time zone or the plans. Nothing reads the clock (dates are
-- counted from as_of, "today" for the data) and nothing calls random(): every random
-- value is wedding.draw(seed, stream, key), a hash of the row's key, so no value depends
-- on how many values were drawn before it (a CASE that draws only in some branches, a
-- plan that reads rows in another order). Ids follow from the keys, or rows that get
-- identity ids are inserted ORDER BY their key. Timestamps are computed in UTC.
--
-- Loaded by demo/run.py after demo/schema.sql.

CREATE OR REPLACE FUNCTION wedding.draw(seed bigint, stream integer, k bigint)
RETURNS double precision
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended($3, $1 + $2) >> 11) & 4503599627370495)::double precision / 4503599627370496 $$;

COMMENT ON FUNCTION wedding.draw(bigint, integer, bigint) IS
    'A uniform value in [0, 1) for key k of a stream, from a hash: the same inputs give the same value (demo data generator).';

CREATE OR REPLACE FUNCTION wedding.pick(options text[], u double precision)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$ SELECT $1[1 + floor($2 * cardinality($1))::int] $$;

COMMENT ON FUNCTION wedding.pick(text[], double precision) IS
    'The element of the array at the uniform value u in [0, 1) (demo data generator).';

CREATE OR REPLACE FUNCTION wedding.generate_data(
    scale numeric DEFAULT 1, seed double precision DEFAULT 0.42, as_of date DEFAULT current_date
)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $fn$
DECLARE
    n_planners bigint := greatest(5, round(200 * scale));
    n_clients  bigint := greatest(20, round(8000 * scale));
    n_venues   bigint := greatest(10, round(300 * scale));
    n_vendors  bigint := greatest(30, round(3000 * scale));
    n_weddings bigint := greatest(20, round(10000 * scale));
    this_year  int;
    s          bigint;   -- the seed as a hash seed; streams below are s + a constant
    -- Cumulative shares of weddings per month (Jan..Dec): Apr-Oct hold 83 %.
    month_cum  numeric[] := ARRAY[0, .02, .05, .09, .17, .28, .42, .54, .66, .80, .92, .96, 1.0];
    regions    text[] := ARRAY['North', 'South', 'East', 'West', 'Central', 'Coast', 'Highlands', 'Lakes'];
    firsts     text[] := ARRAY['Anna', 'James', 'Maria', 'David', 'Sophie', 'Daniel', 'Emma', 'Lucas',
                               'Olivia', 'Noah', 'Mia', 'Liam', 'Chloe', 'Ethan', 'Grace', 'Oscar',
                               'Isla', 'Henry', 'Ava', 'Jack', 'Lily', 'Leo', 'Zoe', 'Samuel', 'Ella',
                               'Thomas', 'Amelia', 'Adam', 'Hannah', 'Max', 'Nora', 'Felix', 'Ruby',
                               'Hugo', 'Clara', 'Isaac', 'Alice', 'Theo', 'Laura', 'Elias', 'Sara'];
    lasts      text[] := ARRAY['Smith', 'Garcia', 'Muller', 'Rossi', 'Martin', 'Jones', 'Brown', 'Silva',
                               'Novak', 'Kowalski', 'Jensen', 'Murphy', 'Dubois', 'Fischer', 'Moreau',
                               'Walker', 'Lopez', 'Taylor', 'Nielsen', 'Bianchi', 'Costa', 'Evans',
                               'Schmidt', 'Wilson', 'Clarke', 'Bauer', 'Romano', 'Santos', 'Hughes',
                               'Weber', 'Lambert', 'Kelly', 'Ward', 'Berg', 'Meyer', 'Ferrari', 'Hall',
                               'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker'];
    categories text[] := ARRAY['Floral', 'Catering', 'Photography', 'Music', 'Decoration', 'Attire',
                               'Transport', 'Cake', 'Videography', 'Hair and makeup'];
    n          bigint;
BEGIN
    IF scale IS NULL OR scale <= 0 OR scale > 1000 THEN
        RAISE EXCEPTION 'wedding.generate_data: scale must be in (0, 1000], got %', coalesce(scale::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Scale 1 is about 100,000 bookings.';
    END IF;
    IF seed IS NULL OR seed IN ('NaN', 'Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'wedding.generate_data: seed must be a finite number, got %', coalesce(seed::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Any finite number; the same seed gives the same data.';
    END IF;
    IF as_of IS NULL OR NOT isfinite(as_of) THEN
        RAISE EXCEPTION 'wedding.generate_data: as_of must be a date, got %', coalesce(as_of::text, 'NULL')
            USING ERRCODE = '22023',
                  HINT = 'as_of is "today" for the data: weddings before it are over, bookings never after it.';
    END IF;
    IF EXISTS (SELECT FROM wedding.planners) OR EXISTS (SELECT FROM wedding.bookings) THEN
        RAISE EXCEPTION 'wedding.generate_data: schema wedding already holds data'
            USING ERRCODE = '55000', HINT = 'Run demo/schema.sql first: it recreates the empty schema.';
    END IF;
    this_year := extract(year FROM as_of)::int;
    s := hashfloat8extended(seed, 0);

    INSERT INTO wedding.planners (planner_id, full_name, email, region, created_at)
    SELECT i, firsts[1 + i % 41] || ' ' || lasts[1 + (i * 7) % 43],
           lower(firsts[1 + i % 41]) || '.planner' || i || '@weddingco.example',
           regions[1 + i % 8],
           as_of - (1500 + wedding.draw(s, 1, i) * 1500) * interval '1 day'
    FROM generate_series(1, n_planners) AS i;

    INSERT INTO wedding.clients (client_id, full_name, email, phone, created_at)
    SELECT i, firsts[1 + (i * 13) % 41] || ' ' || lasts[1 + (i * 17) % 43],
           firsts[1 + (i * 13) % 41] || '.' || lasts[1 + (i * 17) % 43] || i || '@Example.com',
           '+1-555-' || lpad((i % 10000)::text, 4, '0'),
           as_of - wedding.draw(s, 2, i) * 1500 * interval '1 day'
    FROM generate_series(1, n_clients) AS i;

    -- Venue 1 is the biggest; capacity falls with the id, and so does popularity (below).
    INSERT INTO wedding.venues (venue_id, name, region, capacity, daily_rate)
    SELECT i,
           wedding.pick(ARRAY['The Old', 'Grand', 'Rose', 'Willow', 'Lakeside', 'Hilltop', 'Oak', 'Ivy'],
                        wedding.draw(s, 3, i))
           || ' ' || wedding.pick(ARRAY['Manor', 'Barn', 'Hall', 'Estate', 'Garden', 'Castle', 'Vineyard',
                                        'Chapel', 'Loft', 'Pavilion'], wedding.draw(s, 4, i)),
           regions[1 + (i * 3) % 8],
           (40 + 600 / sqrt(i))::int,
           round((800 + 20000 / sqrt(i) + wedding.draw(s, 5, i) * 1500)::numeric, 2)
    FROM generate_series(1, n_venues) AS i;

    INSERT INTO wedding.vendors (vendor_id, name, category, status, region, rating, description)
    SELECT i, lasts[1 + (i * 11) % 43] || ' ' || v.category, v.category,
           CASE WHEN wedding.draw(s, 10, i) < 0.85 THEN 'Active' ELSE 'Inactive' END,
           v.region, round((2.5 + wedding.draw(s, 11, i) * 2.5)::numeric, 1),
           format('%s %s %s offering %s and %s. %s for couples in the %s region since %s; %s.',
                  wedding.pick(ARRAY['Family-run', 'Award-winning', 'Boutique', 'Friendly', 'Independent',
                                     'Experienced', 'Creative', 'Eco-friendly'], wedding.draw(s, 12, i)),
                  lower(v.category),
                  wedding.pick(ARRAY['studio', 'company', 'team', 'collective', 'specialists'],
                               wedding.draw(s, 13, i)),
                  wedding.pick(CASE v.category
                      WHEN 'Floral' THEN ARRAY['bridal bouquets', 'peony arrangements',
                          'seasonal flowers', 'floral arches', 'rose centrepieces']
                      WHEN 'Catering' THEN ARRAY['seasonal menus', 'vegan catering',
                          'barbecue buffets', 'canapes and cocktails', 'plated dinners']
                      WHEN 'Photography' THEN ARRAY['documentary photography',
                          'portrait sessions', 'drone shots', 'film photography']
                      WHEN 'Music' THEN ARRAY['string quartets', 'live bands', 'DJ sets',
                          'jazz trios', 'ceremony harpists']
                      WHEN 'Decoration' THEN ARRAY['table decoration', 'lighting design',
                          'rustic props', 'balloon installations', 'candle styling']
                      WHEN 'Cake' THEN ARRAY['tiered cakes', 'gluten-free desserts',
                          'cupcake towers', 'chocolate fountains']
                      ELSE ARRAY['bespoke packages', 'full-day service',
                          'personal consultations', 'vintage style']
                  END, wedding.draw(s, 14, i)),
                  wedding.pick(ARRAY['free consultations', 'flexible packages', 'same-day delivery',
                                     'destination weddings', 'elopements', 'corporate events',
                                     'garden parties', 'winter weddings'], wedding.draw(s, 15, i)),
                  wedding.pick(ARRAY['Trusted', 'Loved', 'Recommended', 'Booked', 'Chosen'],
                               wedding.draw(s, 16, i)),
                  lower(v.region), 1990 + floor(wedding.draw(s, 17, i) * 34)::int,
                  wedding.pick(ARRAY['fully insured', 'references on request', 'travel included',
                                     'decoration and floral styling on request', 'multilingual staff'],
                               wedding.draw(s, 18, i)))
    FROM generate_series(1, n_vendors) AS i
    CROSS JOIN LATERAL (SELECT categories[1 + (i * 7) % 10] AS category, regions[1 + (i * 5) % 8] AS region) AS v;

    -- Weddings: month from the seasonal shares, then snapped to a Saturday (60 %),
    -- Friday (15 %) or Sunday (10 %); from two years before as_of's year to the end of the next.
    INSERT INTO wedding.weddings (wedding_id, client_id, planner_id, venue_id, wedding_date, budget_total,
                                  status, created_at)
    SELECT i,
           -- every client has a wedding; some have two (a second marriage, a cancelled one)
           CASE WHEN i <= n_clients THEN i ELSE 1 + floor(r.r_client * n_clients)::bigint END,
           1 + floor(r.r_planner * n_planners)::bigint,
           1 + floor(n_venues * r.r_venue ^ 3)::bigint, d.wedding_date,
           round((8000 + 60000 * r.r_budget ^ 2)::numeric, 2),
           CASE
               WHEN r.r_status < 0.05 THEN 'Cancelled'
               WHEN d.wedding_date < as_of THEN 'Completed'
               WHEN r.r_status < 0.60 THEN 'Confirmed'
               ELSE 'Planning'
           END,
           d.wedding_date - (120 + r.r_created * 500) * interval '1 day'
    FROM generate_series(1, n_weddings) AS i
    CROSS JOIN LATERAL (
        SELECT wedding.draw(s, 20, i) AS r_month, wedding.draw(s, 21, i) AS r_day,
               wedding.draw(s, 22, i) AS r_dow, wedding.draw(s, 23, i) AS r_status,
               wedding.draw(s, 24, i) AS r_year, wedding.draw(s, 25, i) AS r_client,
               wedding.draw(s, 26, i) AS r_planner, wedding.draw(s, 27, i) AS r_venue,
               wedding.draw(s, 28, i) AS r_budget, wedding.draw(s, 29, i) AS r_created
    ) AS r
    CROSS JOIN LATERAL (
        SELECT make_date(this_year - 2 + floor(r.r_year * 4)::int,
                         width_bucket(r.r_month, month_cum::float8[]), 1) AS first_of_month
    ) AS m
    CROSS JOIN LATERAL (
        SELECT m.first_of_month + floor(r.r_day * 28)::int AS any_day
    ) AS a
    CROSS JOIN LATERAL (
        SELECT a.any_day + CASE
                   WHEN r.r_dow < 0.60 THEN (13 - extract(dow FROM a.any_day)::int) % 7   -- Saturday
                   WHEN r.r_dow < 0.75 THEN (12 - extract(dow FROM a.any_day)::int) % 7   -- Friday
                   WHEN r.r_dow < 0.85 THEN (7 - extract(dow FROM a.any_day)::int) % 7    -- Sunday
                   ELSE 0
               END AS wedding_date
    ) AS d;
    GET DIAGNOSTICS n = ROW_COUNT;
    RAISE NOTICE 'wedding.generate_data: % weddings', n;

    -- Bookings: the venue itself (k = 0, vendor_id NULL) and 4 to 14 vendors per wedding.
    -- Booking dates: 60 % in the November-February surge before the wedding, the rest
    -- 60 to 540 days before it; never after as_of.
    INSERT INTO wedding.bookings (wedding_id, client_id, venue_id, vendor_id, booking_date, event_date, status,
                                  total_cost)
    SELECT w.wedding_id, w.client_id, w.venue_id, x.vendor_id,
           CASE WHEN x.booking_date > as_of THEN as_of - floor(wedding.draw(s, 35, x.key) * 60)::int
                ELSE x.booking_date END,
           w.wedding_date,
           CASE
               WHEN w.status = 'Cancelled' THEN 'Cancelled'
               WHEN x.r < 0.07 THEN 'Cancelled'
               WHEN w.wedding_date < as_of THEN 'Completed'
               WHEN x.r < 0.65 THEN 'Confirmed'
               ELSE 'Pending'
           END,
           CASE WHEN x.vendor_id IS NULL THEN v.daily_rate
                ELSE round((300 + 6000 * wedding.draw(s, 36, x.key) ^ 2)::numeric, 2) END
    FROM wedding.weddings AS w
    JOIN wedding.venues AS v ON v.venue_id = w.venue_id
    CROSS JOIN LATERAL generate_series(0, 4 + floor(wedding.draw(s, 30, w.wedding_id) * 11)::int) AS k
    CROSS JOIN LATERAL (
        SELECT w.wedding_id * 16 + k AS key
    ) AS kk
    CROSS JOIN LATERAL (
        SELECT kk.key,
               CASE WHEN k = 0 THEN NULL
                    ELSE 1 + floor(n_vendors * wedding.draw(s, 31, kk.key) ^ 1.5)::bigint END AS vendor_id,
               wedding.draw(s, 32, kk.key) AS r,
               CASE
                   WHEN wedding.draw(s, 33, kk.key) < 0.60 THEN
                       make_date(extract(year FROM w.wedding_date - 120)::int - 1, 11, 1)
                       + floor(wedding.draw(s, 34, kk.key) * 120)::int
                   ELSE w.wedding_date - (60 + floor(wedding.draw(s, 34, kk.key) * 480))::int
               END AS booking_date
    ) AS x
    ORDER BY w.wedding_id, k;
    GET DIAGNOSTICS n = ROW_COUNT;
    RAISE NOTICE 'wedding.generate_data: % bookings', n;

    -- A venue is never booked twice on one date: later bookings of a taken date were cancelled.
    UPDATE wedding.bookings AS b SET status = 'Cancelled'
    FROM (
        SELECT booking_id,
               row_number() OVER (PARTITION BY venue_id, event_date ORDER BY booking_date, booking_id) AS rn
        FROM wedding.bookings
        WHERE vendor_id IS NULL AND status <> 'Cancelled'
    ) AS d
    WHERE d.booking_id = b.booking_id AND d.rn > 1;

    -- Payments: a deposit soon after booking, for half of the bookings also a balance
    -- before the wedding. Due after as_of: Pending; otherwise mostly Completed.
    INSERT INTO wedding.payments (booking_id, amount, payment_date, payment_status, method)
    SELECT b.booking_id, round(b.total_cost * p.share, 2), p.payment_date,
           CASE
               WHEN b.status = 'Cancelled' AND wedding.draw(s, 42, p.key) < 0.5 THEN 'Refunded'
               WHEN p.payment_date > as_of THEN 'Pending'
               WHEN p.r < 0.86 THEN 'Completed'
               WHEN p.r < 0.93 THEN 'Failed'
               WHEN p.r < 0.96 THEN 'Refunded'
               ELSE 'Pending'
           END,
           wedding.pick(ARRAY['card', 'card', 'card', 'bank transfer', 'bank transfer', 'paypal'],
                        wedding.draw(s, 43, p.key))
    FROM wedding.bookings AS b
    CROSS JOIN LATERAL (
        SELECT 0 AS part, b.booking_id * 2 AS key, 0.3 AS share,
               b.booking_date + floor(wedding.draw(s, 40, b.booking_id * 2) * 14)::int AS payment_date,
               wedding.draw(s, 41, b.booking_id * 2) AS r
        UNION ALL
        SELECT 1, b.booking_id * 2 + 1, 0.7,
               b.event_date - 14 - floor(wedding.draw(s, 40, b.booking_id * 2 + 1) * 30)::int,
               wedding.draw(s, 41, b.booking_id * 2 + 1)
        WHERE wedding.draw(s, 44, b.booking_id) < 0.5
    ) AS p
    ORDER BY b.booking_id, p.part;

    -- Events: ceremony and reception always, other parts of the day sometimes.
    INSERT INTO wedding.events (wedding_id, event_type, event_date, start_time, status, region)
    SELECT w.wedding_id, t.event_type, w.wedding_date + t.day_offset, t.start_time,
           CASE
               WHEN w.status = 'Cancelled' THEN 'Cancelled'
               WHEN w.wedding_date < as_of THEN 'Confirmed'
               WHEN wedding.draw(s, 51, w.wedding_id * 8 + t.n) < 0.05 THEN 'Cancelled'
               WHEN wedding.draw(s, 52, w.wedding_id * 8 + t.n) < 0.5 THEN 'Confirmed'
               ELSE 'Scheduled'
           END,
           v.region
    FROM wedding.weddings AS w
    JOIN wedding.venues AS v ON v.venue_id = w.venue_id
    CROSS JOIN (
        VALUES (1, 'Rehearsal dinner', -1, time '19:00', 0.6), (2, 'Welcome drinks', -1, time '20:30', 0.4),
               (3, 'Ceremony', 0, time '14:00', 1.0), (4, 'Reception', 0, time '17:30', 1.0),
               (5, 'Farewell brunch', 1, time '11:00', 0.3)
    ) AS t (n, event_type, day_offset, start_time, share)
    WHERE wedding.draw(s, 50, w.wedding_id * 8 + t.n) < t.share
    ORDER BY w.wedding_id, t.n;

    -- Guests: Pareto-distributed counts (x_m = 15, alpha = 1.6, capped at 500). Names,
    -- emails (mixed case, one in ten missing) and QR codes follow from the id, so that
    -- lookups in the workload are reproducible at every scale.
    INSERT INTO wedding.guests (guest_id, wedding_id, full_name, email, qr_code, dietary_preference, created_at)
    SELECT x.id, x.wedding_id,
           firsts[1 + (x.id * 19) % 41] || ' ' || lasts[1 + (x.id * 23) % 43],
           CASE WHEN x.id % 10 <> 0
                THEN firsts[1 + (x.id * 19) % 41] || '.' || lasts[1 + (x.id * 23) % 43] || x.id || '@Mail.example'
           END,
           md5('guest-' || x.id),
           CASE
               WHEN wedding.draw(s, 61, x.id) < 0.60 THEN NULL
               WHEN wedding.draw(s, 61, x.id) < 0.75 THEN 'Vegetarian'
               WHEN wedding.draw(s, 61, x.id) < 0.82 THEN 'Vegan'
               WHEN wedding.draw(s, 61, x.id) < 0.90 THEN 'Gluten-free'
               WHEN wedding.draw(s, 61, x.id) < 0.95 THEN 'Halal'
               WHEN wedding.draw(s, 61, x.id) < 0.98 THEN 'Kosher'
               ELSE 'Nut allergy'
           END,
           x.created_at + wedding.draw(s, 62, x.id) * interval '90 days'
    FROM (
        -- ids numbered wedding by wedding: each wedding's first id is the sum of the counts before it
        SELECT c.first_id + g AS id, c.wedding_id, c.created_at
        FROM (
            SELECT w.wedding_id, w.created_at, n.guests,
                   coalesce(sum(n.guests) OVER (ORDER BY w.wedding_id ROWS BETWEEN UNBOUNDED PRECEDING
                                                AND 1 PRECEDING), 0)::bigint AS first_id
            FROM wedding.weddings AS w
            CROSS JOIN LATERAL (
                SELECT least(500, floor(15 / (1 - wedding.draw(s, 60, w.wedding_id)) ^ (1 / 1.6)))::int AS guests
            ) AS n
        ) AS c
        CROSS JOIN LATERAL generate_series(1, c.guests) AS g
    ) AS x;
    GET DIAGNOSTICS n = ROW_COUNT;
    RAISE NOTICE 'wedding.generate_data: % guests', n;

    -- RSVPs: every guest for the ceremony and the reception of their wedding (both always
    -- exist), ids 2 * guest_id - 1 and 2 * guest_id.
    INSERT INTO wedding.event_rsvp (rsvp_id, guest_id, event_id, status, responded_at)
    SELECT x.key - 1, g.guest_id, e.event_id, x.status,
           CASE WHEN x.status <> 'Pending'
                THEN e.event_date - floor(wedding.draw(s, 73, x.key) * 90)::int + time '12:00' END
    FROM wedding.guests AS g
    JOIN wedding.events AS e ON e.wedding_id = g.wedding_id AND e.event_type IN ('Ceremony', 'Reception')
    CROSS JOIN LATERAL (SELECT g.guest_id * 2 + (e.event_type = 'Reception')::int AS key) AS kk
    CROSS JOIN LATERAL (
        SELECT kk.key, CASE
                   WHEN e.event_date < as_of THEN
                       CASE WHEN wedding.draw(s, 70, kk.key) < 0.8 THEN 'Accepted' ELSE 'Declined' END
                   WHEN wedding.draw(s, 71, kk.key) < 0.55 THEN 'Accepted'
                   WHEN wedding.draw(s, 72, kk.key) < 0.35 THEN 'Declined'
                   ELSE 'Pending'
               END AS status
    ) AS x;
    GET DIAGNOSTICS n = ROW_COUNT;
    RAISE NOTICE 'wedding.generate_data: % RSVPs', n;

    INSERT INTO wedding.budgets (wedding_id, category, budget_amount)
    SELECT w.wedding_id, c.category, round(w.budget_total * c.share, 2)
    FROM wedding.weddings AS w
    CROSS JOIN (
        VALUES (1, 'Venue', 0.30), (2, 'Catering', 0.28), (3, 'Floral', 0.08), (4, 'Photography', 0.10),
               (5, 'Music', 0.07), (6, 'Attire', 0.09), (7, 'Decoration', 0.05), (8, 'Transport', 0.03)
    ) AS c (n, category, share)
    ORDER BY w.wedding_id, c.n;

    INSERT INTO wedding.expenses (event_id, category, actual_cost, status, created_at)
    SELECT e.event_id, x.category, round((50 + 4000 * wedding.draw(s, 82, x.key) ^ 2)::numeric, 2),
           CASE WHEN wedding.draw(s, 83, x.key) < 0.75 THEN 'Approved'
                WHEN wedding.draw(s, 84, x.key) < 0.6 THEN 'Pending'
                ELSE 'Rejected' END,
           e.event_date - floor(wedding.draw(s, 85, x.key) * 200)::int + time '10:00'
    FROM wedding.events AS e
    CROSS JOIN LATERAL generate_series(1, 1 + floor(wedding.draw(s, 80, e.event_id) * 3)::int) AS j
    CROSS JOIN LATERAL (
        SELECT e.event_id * 4 + j AS key,
               wedding.pick(ARRAY['Venue', 'Catering', 'Floral', 'Photography', 'Music', 'Attire',
                                  'Decoration', 'Transport'], wedding.draw(s, 81, e.event_id * 4 + j)) AS category
    ) AS x
    ORDER BY e.event_id, j;

    -- Identity columns were bypassed with explicit ids: move them on.
    PERFORM setval(pg_get_serial_sequence('wedding.planners', 'planner_id'), n_planners);
    PERFORM setval(pg_get_serial_sequence('wedding.clients', 'client_id'), n_clients);
    PERFORM setval(pg_get_serial_sequence('wedding.venues', 'venue_id'), n_venues);
    PERFORM setval(pg_get_serial_sequence('wedding.vendors', 'vendor_id'), n_vendors);
    PERFORM setval(pg_get_serial_sequence('wedding.weddings', 'wedding_id'), n_weddings);
    PERFORM setval(pg_get_serial_sequence('wedding.guests', 'guest_id'), (SELECT max(guest_id) FROM wedding.guests));
    PERFORM setval(pg_get_serial_sequence('wedding.event_rsvp', 'rsvp_id'),
                   (SELECT max(rsvp_id) FROM wedding.event_rsvp));

    RETURN QUERY
    SELECT x.t, x.n FROM (VALUES
        ('planners', (SELECT count(*) FROM wedding.planners)),
        ('clients', (SELECT count(*) FROM wedding.clients)),
        ('venues', (SELECT count(*) FROM wedding.venues)),
        ('vendors', (SELECT count(*) FROM wedding.vendors)),
        ('weddings', (SELECT count(*) FROM wedding.weddings)),
        ('bookings', (SELECT count(*) FROM wedding.bookings)),
        ('payments', (SELECT count(*) FROM wedding.payments)),
        ('events', (SELECT count(*) FROM wedding.events)),
        ('guests', (SELECT count(*) FROM wedding.guests)),
        ('event_rsvp', (SELECT count(*) FROM wedding.event_rsvp)),
        ('budgets', (SELECT count(*) FROM wedding.budgets)),
        ('expenses', (SELECT count(*) FROM wedding.expenses))
    ) AS x (t, n);
END
$fn$;

COMMENT ON FUNCTION wedding.generate_data(numeric, double precision, date) IS
    'Fill the empty wedding schema with skewed demo data; scale 1 is about 100,000 bookings. '
    'The same (scale, seed, as_of) gives the same rows on any day; as_of is "today" for the data.';
