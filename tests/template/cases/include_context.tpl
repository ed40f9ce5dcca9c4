{% for r in results.results %}
{% include '_partials/result_line.tpl' %}
{% if r.md5 %}
{% include '_partials/hashes.tpl' %}
{% endif %}
{% endfor %}
