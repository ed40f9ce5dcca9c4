{% set summary %}
{{ results.payloads }} payload(s), TLP {{ results.tlp }}
{% for r in results.results %}
* {{ r.plugin }}
{% endfor %}
{% endset %}
[{{ summary }}]
length={{ summary|length }}
[{{ summary|trim }}]
