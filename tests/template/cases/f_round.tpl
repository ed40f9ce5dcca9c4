{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.23456|round(3) }} {{ 7|round }} {{ -2.5|round }} {{ 1234.5678|round(-2) }}
{% for r in results.results %}
{{ (r.size / 1024)|round(1) }}
{% endfor %}
