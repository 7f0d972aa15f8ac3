"""Federation: signed, encrypted bundles between appliances and the central registry over ZeroMQ."""
