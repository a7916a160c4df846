-- Indexes a DBA would write by hand for demo/workload.sql: what the read speed-ups cost the
-- writes is measured with them (make bench BENCH=demo_writer). The demo itself applies only
-- wedopt's own suggestions.
CREATE INDEX ON wedding.guests (wedding_id);
CREATE INDEX ON wedding.guests (lower(email));
CREATE INDEX ON wedding.events (wedding_id);
CREATE INDEX ON wedding.event_rsvp (guest_id);
CREATE INDEX ON wedding.weddings (planner_id);
CREATE INDEX ON wedding.budgets (wedding_id);
CREATE INDEX ON wedding.expenses (event_id);
CREATE INDEX ON wedding.bookings (venue_id, event_date);
CREATE INDEX ON wedding.bookings (client_id);
CREATE INDEX ON wedding.payments (booking_id);
CREATE INDEX ON wedding.payments (payment_date) WHERE payment_status = 'Pending';
CREATE INDEX ON wedding.vendors USING gin (to_tsvector('english', description));
