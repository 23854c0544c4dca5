-- Production roles for the event store on a PostgreSQL server, run once per cluster as a superuser:
--   psql -v owner_password=... -v platform_password=... -f infra/postgres/roles.sql
-- * gpds_owner owns the database and runs the migrations (EVENT_STORE_MIGRATION_URL);
-- * gpds_platform is what the platform connects as (EVENT_STORE_URL): a login member of gpds_app,
--   which the migrations grant SELECT, INSERT on events and never UPDATE, DELETE or TRUNCATE.
CREATE ROLE gpds_owner LOGIN PASSWORD :'owner_password';
CREATE DATABASE gpds OWNER gpds_owner;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gpds_app') THEN CREATE ROLE gpds_app NOLOGIN; END IF;
END $$;
CREATE ROLE gpds_platform LOGIN PASSWORD :'platform_password' IN ROLE gpds_app;
