CREATE TABLE "follows" (
	"follower_id" uuid NOT NULL,
	"followee_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_follower_id_followee_id_pk" PRIMARY KEY("follower_id","followee_id"),
	CONSTRAINT "follows_not_self_check" CHECK ("follows"."follower_id" <> "follows"."followee_id")
);
--> statement-breakpoint
-- Daily challenges become one set per user and day. The tables held nothing yet (no procedure wrote
-- them), so they are recreated rather than altered: drizzle-kit cannot swap a primary key in place.
DROP TABLE "user_challenge_progress";--> statement-breakpoint
DROP TABLE "daily_challenges";--> statement-breakpoint
CREATE TABLE "daily_challenges" (
	"user_id" uuid NOT NULL,
	"date" date NOT NULL,
	"challenges" jsonb NOT NULL,
	"total_xp_reward" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_challenges_user_id_date_pk" PRIMARY KEY("user_id","date"),
	CONSTRAINT "daily_challenges_total_xp_reward_check" CHECK ("daily_challenges"."total_xp_reward" >= 0)
);
--> statement-breakpoint
CREATE TABLE "user_challenge_progress" (
	"user_id" uuid NOT NULL,
	"date" date NOT NULL,
	"challenge_id" text NOT NULL,
	"current" integer DEFAULT 0 NOT NULL,
	"target" integer NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_challenge_progress_user_id_date_challenge_id_pk" PRIMARY KEY("user_id","date","challenge_id"),
	CONSTRAINT "user_challenge_progress_current_check" CHECK ("user_challenge_progress"."current" >= 0),
	CONSTRAINT "user_challenge_progress_target_check" CHECK ("user_challenge_progress"."target" > 0)
);
--> statement-breakpoint
ALTER TABLE "user_challenge_progress" ADD CONSTRAINT "user_challenge_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_follower_id_users_id_fk" FOREIGN KEY ("follower_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_followee_id_users_id_fk" FOREIGN KEY ("followee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follows_followee_id_idx" ON "follows" USING btree ("followee_id");--> statement-breakpoint
ALTER TABLE "daily_challenges" ADD CONSTRAINT "daily_challenges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_challenge_progress" ADD CONSTRAINT "user_challenge_progress_daily_challenge_fk" FOREIGN KEY ("user_id","date") REFERENCES "public"."daily_challenges"("user_id","date") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_shown_name_idx" ON "users" USING btree (lower(coalesce("display_name", "name")) text_pattern_ops);