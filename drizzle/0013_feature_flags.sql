CREATE TABLE "feature_flag_overrides" (
	"flag_key" text NOT NULL,
	"user_id" uuid NOT NULL,
	"value" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_flag_overrides_flag_key_user_id_pk" PRIMARY KEY("flag_key","user_id")
);
--> statement-breakpoint
CREATE TABLE "feature_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"rollout_percent" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "feature_flags_key_check" CHECK (char_length("feature_flags"."key") <= 64 and "feature_flags"."key" ~ '^[a-z][a-z0-9_.-]{1,63}$'),
	CONSTRAINT "feature_flags_description_check" CHECK (char_length("feature_flags"."description") <= 500),
	CONSTRAINT "feature_flags_rollout_percent_check" CHECK ("feature_flags"."rollout_percent" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "feature_flag_overrides" ADD CONSTRAINT "feature_flag_overrides_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "feature_flag_overrides" ADD CONSTRAINT "feature_flag_overrides_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feature_flags" ADD CONSTRAINT "feature_flags_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feature_flag_overrides_user_id_idx" ON "feature_flag_overrides" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "feature_flags_updated_by_idx" ON "feature_flags" USING btree ("updated_by");