"""`python -m appliance.cli …`: the same as the console script `nok …` (the tests start it so)."""
from appliance.cli import main

main()
