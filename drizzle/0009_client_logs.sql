DROP INDEX "client_logs_expires_at_idx";--> statement-breakpoint
DROP INDEX "client_logs_level_ts_idx";--> statement-breakpoint
ALTER TABLE "client_logs" ADD COLUMN "app_version" text;--> statement-breakpoint
ALTER TABLE "client_logs" ADD COLUMN "platform" text;--> statement-breakpoint
ALTER TABLE "client_logs" ADD COLUMN "request_id" text NOT NULL;--> statement-breakpoint
CREATE INDEX "client_logs_level_received_at_idx" ON "client_logs" USING btree ("level","received_at");--> statement-breakpoint
ALTER TABLE "client_logs" DROP COLUMN "expires_at";