/* libFuzzer entry point for eb_fuzz_btf (see fuzz_targets.c). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return eb_fuzz_btf(data, size);
}
