{% macro with_partial(title) %}{% include '_partials/title_only.tpl' %}{% endmacro %}
{{ with_partial('from macro arg') }}
{% with title = 'from with' %}{% include '_partials/title_only.tpl' %}{% endwith %}

{% for title in ['from loop'] %}{% include '_partials/title_only.tpl' %}{% endfor %}

{% filter upper %}{% include '_partials/footer.tpl' %}{% endfilter %}

