-- Webhook deliveries remember the attempt they are on and when the next one is due; a render's
-- callback_url gets deliveries too (webhook_id NULL), and an endpoint may ask for render.progress.
ALTER TABLE webhook_deliveries ADD COLUMN render_id text REFERENCES renders (id) ON DELETE CASCADE;
ALTER TABLE webhook_deliveries ADD COLUMN last_error text;
ALTER TABLE webhook_deliveries ADD COLUMN delivered_at timestamptz;
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
ALTER TABLE webhook_attempts ADD COLUMN url text;
-- Signs deliveries to a render's callback_url (set through the API; unset: callbacks go unsigned).
ALTER TABLE owners ADD COLUMN callback_secret text;
