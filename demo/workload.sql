-- The queries operators of a wedding platform complain about (DOMAIN.md), one per block.
-- Each block starts with a line "-- name: <name>" and holds one statement. The constants
-- exist at every scale of demo/generate.sql (ids, names and emails follow from the ids).
-- "Today" is :'as_of', the reference date the data was generated for (demo.measure
-- substitutes it; in psql: psql -v as_of=2026-06-01 -f demo/workload.sql), never
-- current_date: the data does not move with the clock, so neither do the queries.

-- name: guest_list
-- The guest list of one wedding, for the seating plan.
SELECT g.guest_id, g.full_name, g.email, g.dietary_preference
FROM wedding.guests AS g
WHERE g.wedding_id = 42
ORDER BY g.full_name;

-- name: event_timeline
-- A wedding's active events, in order.
SELECT e.event_id, e.event_type, e.event_date, e.start_time, e.status
FROM wedding.events AS e
WHERE e.wedding_id = 42 AND e.status <> 'Cancelled'
ORDER BY e.event_date, e.start_time;

-- name: rsvp_summary
-- RSVPs and confirmed guests per upcoming wedding of one planner.
SELECT w.wedding_id, w.wedding_date,
       count(DISTINCT g.guest_id) AS invited,
       count(DISTINCT r.guest_id) FILTER (WHERE r.status = 'Accepted') AS confirmed,
       count(DISTINCT r.guest_id) FILTER (WHERE r.status = 'Pending') AS waiting
FROM wedding.weddings AS w
JOIN wedding.planners AS p ON p.planner_id = w.planner_id
LEFT JOIN wedding.guests AS g ON g.wedding_id = w.wedding_id
LEFT JOIN wedding.event_rsvp AS r ON r.guest_id = g.guest_id
LEFT JOIN wedding.events AS e ON e.event_id = r.event_id AND e.event_type = 'Ceremony'
WHERE p.planner_id = 7 AND w.wedding_date >= :'as_of'::date - 365
GROUP BY w.wedding_id, w.wedding_date
ORDER BY w.wedding_date;

-- name: budget_vs_actual
-- Budget versus approved spend per category for one wedding.
SELECT b.category, b.budget_amount, coalesce(sum(x.actual_cost), 0) AS spent,
       b.budget_amount - coalesce(sum(x.actual_cost), 0) AS remaining
FROM wedding.weddings AS w
JOIN wedding.budgets AS b ON b.wedding_id = w.wedding_id
LEFT JOIN wedding.events AS e ON e.wedding_id = w.wedding_id
LEFT JOIN wedding.expenses AS x ON x.event_id = e.event_id AND x.category = b.category AND x.status = 'Approved'
WHERE w.wedding_id = 42
GROUP BY b.category, b.budget_amount
ORDER BY b.category;

-- name: venue_availability
-- Venues in a region with room for 100 guests and free on every day of a weekend.
SELECT v.venue_id, v.name, v.capacity, v.daily_rate
FROM wedding.venues AS v
WHERE v.region = 'North' AND v.capacity >= 100
  AND NOT EXISTS (
      SELECT 1 FROM wedding.bookings AS b
      WHERE b.venue_id = v.venue_id AND b.status <> 'Cancelled'
        AND b.event_date BETWEEN :'as_of'::date + 180 AND :'as_of'::date + 182
  )
ORDER BY v.capacity DESC;

-- name: client_booking_history
-- Everything one client booked, newest first.
SELECT b.booking_id, b.booking_date, b.event_date, b.status, b.total_cost, vd.name AS vendor
FROM wedding.bookings AS b
LEFT JOIN wedding.vendors AS vd ON vd.vendor_id = b.vendor_id
WHERE b.client_id = 17
ORDER BY b.booking_date DESC;

-- name: pending_payments
-- Pending-payment reconciliation: payments due more than 30 days ago and still pending.
SELECT p.payment_id, p.booking_id, p.amount, p.payment_date, b.client_id
FROM wedding.payments AS p
JOIN wedding.bookings AS b ON b.booking_id = p.booking_id
WHERE p.payment_status = 'Pending' AND p.payment_date < :'as_of'::date - 30
ORDER BY p.payment_date
LIMIT 100;

-- name: monthly_revenue
-- Completed revenue per month and service category over the last year.
SELECT date_trunc('month', p.payment_date) AS month, coalesce(vd.category, 'Venue') AS category,
       sum(p.amount) AS revenue
FROM wedding.payments AS p
JOIN wedding.bookings AS b ON b.booking_id = p.booking_id
LEFT JOIN wedding.vendors AS vd ON vd.vendor_id = b.vendor_id
WHERE p.payment_status = 'Completed' AND p.payment_date >= :'as_of'::date - 365
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: vendor_search
-- Full-text vendor search.
SELECT vd.vendor_id, vd.name, vd.category, vd.rating
FROM wedding.vendors AS vd
WHERE vd.status = 'Active'
  AND to_tsvector('english', vd.description) @@ plainto_tsquery('english', 'floral decoration')
ORDER BY vd.rating DESC
LIMIT 20;

-- name: guest_email_lookup
-- Case-insensitive email lookup (the check-in desk types what the guest says).
SELECT g.guest_id, g.wedding_id, g.full_name, g.qr_code
FROM wedding.guests AS g
WHERE lower(g.email) = lower('isaac.muller1234@mail.example');
