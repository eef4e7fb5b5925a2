/*
 * fuzz_scenario.c: the scenario loader (harness/scenario.c) on arbitrary
 * bytes, read as if they were scenarios/demo/input.json (a file that does
 * not exist) so that the relative fixture paths of the seed corpus
 * ("../fixtures/...") resolve and the state documents behind them are
 * validated too. A refusal must name the file; a scenario that loads must
 * hold together: a name, a family, an action per step, its services found
 * by name.
 */
#include "tests/fuzz/fuzz.h"

#include "harness/scenario.h"

#include <string.h>

FUZZ_TARGET(scenario)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc;
    size_t i;

    sc = hx_scenario_parse(SECMOCK_SOURCE_DIR "/scenarios/demo/input.json", (const char *)data,
                           size, &err);
    if (sc == NULL) {
        if (err.msg[0] == '\0')
            fuzz_fail("a refused scenario without a message");
        if (strstr(err.msg, "input.json") == NULL)
            fuzz_fail("a refusal that does not name the file: %s", err.msg);
        return 0;
    }
    if (sc->name == NULL || sc->family == NULL || sc->summary == NULL)
        fuzz_fail("a loaded scenario without a name, family or summary");
    for (i = 0; i < sc->nsteps; i++)
        if (sc->steps[i].arg == NULL || sc->steps[i].kind >= HX_STEP__COUNT)
            fuzz_fail("step %zu has no action", i);
    for (i = 0; i < sc->nservices; i++)
        if (hx_scenario_service(sc, sc->services[i].name) == NULL)
            fuzz_fail("service '%s' cannot be found by its name", sc->services[i].name);
    hx_scenario_free(sc);
    return 0;
}
