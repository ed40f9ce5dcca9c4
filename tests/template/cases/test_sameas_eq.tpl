{{ none is sameas none }} {{ true is sameas true }} {{ 1 is sameas true }} {{ false is sameas false }}
{{ 1 is eq 1 }} {{ 'a' is eq('a') }} {{ 2 is equalto 3 }} {{ 'yara' is eq results.results[0].plugin }}
{{ 3 is ne 4 }} {{ 3 is gt 2 }} {{ 3 is lt 2 }} {{ 3 is ge 3 }} {{ 2 is le 1 }}
