"""The core: the domain's rules on plain data. The maturity model and its scoring, the roadmap, the
roll-up of teams and business units, the value metrics, the Knowledge Challenge's rules, the report
model and its layout. It takes parsed data and returns data: it reads no file it is given, touches
no database and asks no clock (docs/architecture.md)."""
