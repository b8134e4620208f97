-- One database per service (docs/architecture.md, "Technology"): hosp_<service, with _ for ->.
-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d). Each service also
-- creates its own database at startup when it is missing (libs/platform/persistence ensure-database.ts), so
-- this only makes the databases visible before the first start; tables come from each service's migrations.
CREATE DATABASE hosp_his;
CREATE DATABASE hosp_laboratory;
CREATE DATABASE hosp_radiology_orders;
CREATE DATABASE hosp_image_archive_gateway;
CREATE DATABASE hosp_claims;
CREATE DATABASE hosp_integration_gateway;
