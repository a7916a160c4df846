-- pgbench script: the platform's write traffic (a new vendor booking with its deposit, and
-- a guest answering an invitation). Needs only the loaded demo; every transaction reads
-- the id ranges itself (primary-key lookups of max()), so any scale works:
--   pgbench -n -f demo/writer.sql -c 4 -T 60 wedding_demo
SELECT (SELECT max(wedding_id) FROM wedding.weddings) AS max_wedding,
       (SELECT max(vendor_id) FROM wedding.vendors) AS max_vendor,
       (SELECT max(rsvp_id) FROM wedding.event_rsvp) AS max_rsvp \gset
\set wedding random(1, :max_wedding)
\set vendor random_exponential(1, :max_vendor, 3.0)
\set rsvp random(1, :max_rsvp)
\set cost random(300, 6000)
BEGIN;
INSERT INTO wedding.bookings (wedding_id, client_id, venue_id, vendor_id, booking_date, event_date, status,
                              total_cost)
SELECT wedding_id, client_id, venue_id, :vendor, current_date, wedding_date, 'Pending', :cost
FROM wedding.weddings WHERE wedding_id = :wedding
RETURNING booking_id \gset
INSERT INTO wedding.payments (booking_id, amount, payment_date, payment_status, method)
VALUES (:booking_id, round(:cost * 0.3, 2), current_date, 'Pending', 'card');
UPDATE wedding.event_rsvp
SET status = CASE WHEN random() < 0.8 THEN 'Accepted' ELSE 'Declined' END, responded_at = now()
WHERE rsvp_id = :rsvp;
END;
