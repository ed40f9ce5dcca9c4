<outer {{ label }}>
{% include '_partials/nested_inner.tpl' %}
</outer>
