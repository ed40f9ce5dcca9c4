{{ 'a\nb\nc'|indent }}
{{ 'a\nb'|indent(2) }}
{% set block %}
md5 {{ results.results[0].md5 if results.results else '' }}
size {{ results.payloads }}
{% endset %}
report:
{{ block|indent(4) }}
