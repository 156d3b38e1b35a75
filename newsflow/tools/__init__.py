"""The command line (`newsflow ...`) and the developer tools: the local stack, benchmarks' and
tests' private servers, article files, evaluations."""
