{{ 3.0 is odd }} {{ -0.0 is number }} {{ 1e309 is number }} {{ 1e16 is float }} {{ 12345678901234567 is integer }} {{ ('x'|e) is string }} {{ none is sequence }}
{{ 1 is eq 1.0 }} {{ 'a' is in 'cat' }} {{ 2 is in [1, 2] }} {{ 1 is ne(1) }} {{ [] is iterable }} {{ nothing is iterable }} {{ nothing is mapping }} {{ nothing is none }}
{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ none is false }}
