{{ 'sha1:' ~ results.results[0].sha1 }}
{{ 'a' ~ 1 ~ none ~ true ~ 2.5 }} {{ 'x' ~ [1] }}
{{ 'pre' + 'fix' }} {{ results.tlp ~ '/' ~ results.payloads }}
{{ 'undefined:[' ~ nothing ~ ']' }}
