{% for r in results.results if r.plugin == 'yara' %}
{% for match in r.scan %}
{% include '_partials/yara_match.tpl' %}
{% endfor %}
{% endfor %}
