-- What every unit provides in every period (the table macro provision_periods_of,
-- 35_counting_rules.sql): the procedures behind payment_integration_rate and online_service_uptake_rate.
CREATE OR REPLACE VIEW kpi.provision_periods AS FROM provision_periods_of('kpi.counts', 'kpi.periods');
