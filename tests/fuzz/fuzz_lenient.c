/*
 * fuzz_lenient.c: the Mimecast mock's lenient body parser (JSON or a Python
 * repr, mock/mimecast/lenient.c) on arbitrary bytes. A refusal must say
 * where it failed; a body it accepts, printed as JSON, must read back to the
 * same document (lenient in, exact out: what the mock took is what it
 * understood).
 */
#include "tests/fuzz/fuzz.h"

#include "mock/mimecast/mm.h"

#include <stdlib.h>
#include <string.h>

FUZZ_TARGET(lenient)
{
    struct cm_err err = {{0}};
    cJSON *doc, *again;
    char *text, *text2;

    doc = mm_lenient_parse((const char *)data, size, &err);
    if (doc == NULL) {
        if (strncmp(err.msg, "at offset ", 10) != 0)
            fuzz_fail("a refusal that does not say where: '%s'", err.msg);
        return 0;
    }
    text = cJSON_PrintUnformatted(doc);
    if (text == NULL)
        fuzz_fail("an accepted body that cannot be printed");
    again = mm_lenient_parse(text, strlen(text), &err);
    if (again == NULL)
        fuzz_fail("the printed form of an accepted body is refused: %s: %s", err.msg, text);
    text2 = cJSON_PrintUnformatted(again);
    if (text2 == NULL || strcmp(text, text2) != 0)
        fuzz_fail("an accepted body reads back differently: %s then %s", text, text2);
    free(text2);
    free(text);
    cJSON_Delete(again);
    cJSON_Delete(doc);
    return 0;
}
