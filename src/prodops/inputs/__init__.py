"""Inputs: what people give, read and checked into the core's data. Answers files, model files,
value data in every source format (CSV tables, Jira payloads, survey exports, the TSE 2017 dataset);
every problem named by file, row or line, column and what to do."""
