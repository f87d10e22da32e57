SUITE(core_util)
