[{{ '  padded  '|trim }}] [{{ '\t\n x \n'|trim }}] [{{ 'xxhixx'|trim('x') }}] [{{ '..a.b..'|trim('.') }}]
{% for r in results.results if r.scan is mapping and r.scan.Producer is defined %}
[{{ r.scan.Producer|trim }}]
{% endfor %}
