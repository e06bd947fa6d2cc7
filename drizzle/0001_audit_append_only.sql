-- The audit trail is append-only: the database itself refuses to delete or rewrite it. The one change
-- allowed is anonymisation, when an account is erased: personal columns may be set to null (and details
-- to '{}'), nothing else may change. ON DELETE SET NULL of actor_user_id is such an update.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id
     OR NEW.event IS DISTINCT FROM OLD.event
     OR NEW.severity IS DISTINCT FROM OLD.severity
     OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.request_id IS DISTINCT FROM OLD.request_id
     OR (NEW.actor_user_id IS NOT NULL AND NEW.actor_user_id IS DISTINCT FROM OLD.actor_user_id)
     OR (NEW.target IS NOT NULL AND NEW.target IS DISTINCT FROM OLD.target)
     OR (NEW.ip IS NOT NULL AND NEW.ip IS DISTINCT FROM OLD.ip)
     OR (NEW.user_agent IS NOT NULL AND NEW.user_agent IS DISTINCT FROM OLD.user_agent)
     OR (NEW.details IS DISTINCT FROM OLD.details AND NEW.details <> '{}'::jsonb) THEN
    RAISE EXCEPTION 'audit_events is append-only: rows may only be anonymised' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
