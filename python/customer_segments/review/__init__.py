"""Review tools: build two versions of the project on the same raw data and compare their marts."""
