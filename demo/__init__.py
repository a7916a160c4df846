"""The wedding-platform demo: schema, data generator, workload, and `python -m demo.run`."""
