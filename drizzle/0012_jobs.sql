CREATE TABLE "analytics_daily" (
	"day" date NOT NULL,
	"event" text NOT NULL,
	"language" text DEFAULT '' NOT NULL,
	"events" integer NOT NULL,
	"users" integer NOT NULL,
	CONSTRAINT "analytics_daily_day_event_language_pk" PRIMARY KEY("day","event","language")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily_runs" (
	"day" date PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"error" text NOT NULL,
	"attempts" integer NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_sends" (
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"local_date" date NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_sends_user_id_kind_local_date_pk" PRIMARY KEY("user_id","kind","local_date")
);
--> statement-breakpoint
ALTER TABLE "reminder_sends" ADD CONSTRAINT "reminder_sends_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_dead_letters_failed_at_idx" ON "job_dead_letters" USING btree ("failed_at");--> statement-breakpoint
CREATE INDEX "reminder_sends_local_date_idx" ON "reminder_sends" USING btree ("local_date");