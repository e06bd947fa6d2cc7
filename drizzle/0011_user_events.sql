CREATE TABLE "user_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "user_events_type_check" CHECK ("user_events"."type" in ('badge_unlocked', 'achievement_unlocked', 'level_up', 'league_changed', 'streak_at_risk', 'friend_passed', 'new_follower', 'srs_due', 'chat_message'))
);
--> statement-breakpoint
ALTER TABLE "user_events" ADD CONSTRAINT "user_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_events_unpublished_idx" ON "user_events" USING btree ("id") WHERE "user_events"."published_at" is null;--> statement-breakpoint
CREATE INDEX "user_events_user_id_id_idx" ON "user_events" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "user_events_published_at_idx" ON "user_events" USING btree ("published_at");