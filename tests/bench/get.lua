-- get.lua: wrk script for a plain GET of the trivial route (demo /ping).
wrk.method = "GET"
