{% include '_partials/no_such_partial.tpl' %}
