-- One database per service: services never read each other's tables.
CREATE DATABASE carecircle_enrollment;
CREATE DATABASE carecircle_scheduling;
CREATE DATABASE carecircle_clinician_liaison;
CREATE DATABASE carecircle_outcomes;
CREATE DATABASE carecircle_gateway;
