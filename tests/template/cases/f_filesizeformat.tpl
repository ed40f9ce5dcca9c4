{{ 0|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1000|filesizeformat }} {{ 1500|filesizeformat }} {{ 1000000|filesizeformat }} {{ 1234567890|filesizeformat }} {{ 1e15|filesizeformat }}
{% for r in results.results %}
{{ r.size|filesizeformat }}
{% endfor %}
