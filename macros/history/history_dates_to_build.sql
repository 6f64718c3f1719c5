{#-
    Performance machinery of customer_segment_history, not a rule: which as-of dates an
    incremental run rebuilds. Each date is replaced whole (RFM quantiles rank all customers of a
    date), and a run computes only:
    - the spine dates after the last one built;
    - every date on or after the order date of orders loaded since the last build (less var
      fact_lookback_days), so a late refund rewrites every period it touches;
    - every date on or after the first date of a customer whose built rows no longer hold. The
      run compares the built rows of the last built date, and each customer's first built date,
      with the same measures from today's data: a customer new or gone on that date (a late
      record, a merge, a test account), one who would now start on another spine date (a changed
      signup), or one whose recency, frequency, monetary or lifetime purchases and revenue differ
      (orders re-attributed by a merge, with no order loaded). A profile update that changes none
      of these rewrites nothing. Every date a customer's rows can differ on is at or after its
      first date, then or now.
      A customer with orders loaded since the last build is compared on its check date instead:
      the last built date before the earliest of those orders. Its rows from that order's date on
      are rebuilt anyway (above), and a row depends only on the purchases up to its date, so only
      a difference up to the check date (an order re-attributed, or an old order moved to a later
      date) needs its earlier dates: a late refund rewrites the periods from its order, not the
      customer's whole history. The comparison reads the built rows once and the purchases once,
      each customer's measures taken on its own check date. In a Spark unit test every customer
      is compared on the last built date (history_compares_check_dates).
    - for backfills, the dates between vars history_rebuild_from and history_rebuild_to.
    On Spark the comparison runs first, as a query of its own, and the model's query gets its
    dates as a list (history_dates_to_build says why); a Spark unit test computes every date and
    the model's final CTE keeps these (history_dates_computed).
    Not seen: a re-attribution that leaves every compared measure of both customers as it was
    (orders of equal count and amount swapped within the same first and last purchase dates);
    history_rebuild_from or --full-refresh rebuilds then.
-#}


{#- The comparison's CTEs, ending with dates_to_build (as_of_date): the dates this incremental run
    of customer_segment_history rebuilds. Reads the CTEs spine, purchases, orders and customers of
    the model, and the built history ({{ this }}). -#}
{% macro history_dates_comparison_ctes() -%}
{%- set compared_measures = [
    'recency_days', 'frequency', 'monetary', 'lifetime_purchases', 'lifetime_revenue'
] -%}
built as (

    select
        max(as_of_date) as last_as_of_date,
        {{ dbt.dateadd('day', -1 * var('fact_lookback_days') | int, 'max(source_loaded_at)') }}
            as built_watermark
    from {{ this }}

),

-- customers: what the built rows say of each customer, against today's data (see above)

spine_ordered as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from spine

),

-- the orders loaded since the last build, per customer: every date from the earliest is
-- rebuilt (changed_since); an order after the last built date changes nothing up to it, and
-- the dates after it are built anyway

loaded_orders_by_customer as (

    select
        orders.customer_key,
        min(orders.order_date) as first_loaded_order_date
    from orders
    cross join built
    where
        (orders.loaded_at > built.built_watermark or orders.loaded_at is null)
        and orders.order_date <= built.last_as_of_date
    group by orders.customer_key

),

-- customers with orders loaded since the last build: compared on their check date, the last
-- built date before the earliest of those orders (none: every date from the first is rebuilt
-- by that order); every other customer on the last built date. None in a Spark unit test,
-- where the filter below is false (history_compares_check_dates says why).

loaded_customer_check_dates as (

    select
        loaded_orders_by_customer.customer_key,
        max(spine.as_of_date) as check_date
    from loaded_orders_by_customer
    inner join spine
        -- before the first loaded order, so on or before the last built date
        on spine.as_of_date < loaded_orders_by_customer.first_loaded_order_date
    -- false in a Spark unit test: none (macro history_compares_check_dates)
    where {{ history_compares_check_dates() | string | lower }}
    group by loaded_orders_by_customer.customer_key

),

-- one pass over the built rows: each customer's first built date, whether it has a row on the
-- last built date and on its check date, and its measures on the check date

built_rows as (

    select
        history.customer_key,
        history.as_of_date,
        built.last_as_of_date,
        history.as_of_date = coalesce(loaded_customer_check_dates.check_date, built.last_as_of_date)
            as is_on_check_date,
        history.recency_days,
        history.frequency,
        history.monetary,
        history.lifetime_purchases,
        history.lifetime_revenue
    from {{ this }} as history
    cross join built
    left join loaded_customer_check_dates
        on history.customer_key = loaded_customer_check_dates.customer_key

),

built_rows_by_customer as (

    select
        customer_key,
        min(as_of_date) as first_as_of_date,
        max(case when as_of_date = last_as_of_date then 1 else 0 end) as is_built_on_last_date,
        max(case when is_on_check_date then 1 else 0 end) as is_built_on_check_date,
        -- the measures compared (compared_measures): one row per customer and date
        max(case when is_on_check_date then recency_days end) as recency_days,
        max(case when is_on_check_date then frequency end) as frequency,
        max(case when is_on_check_date then monetary end) as monetary,
        max(case when is_on_check_date then lifetime_purchases end) as lifetime_purchases,
        max(case when is_on_check_date then lifetime_revenue end) as lifetime_revenue
    from built_rows
    group by customer_key

),

built_customers as (

    select
        built_rows_by_customer.customer_key,
        built_rows_by_customer.first_as_of_date,
        spine_ordered.previous_as_of_date as date_before_first,
        -- not built on its check date: see customers_changed
        built_rows_by_customer.is_built_on_check_date = 1 as is_built_on_check_date,
        built_rows_by_customer.recency_days,
        built_rows_by_customer.frequency,
        built_rows_by_customer.monetary,
        built_rows_by_customer.lifetime_purchases,
        built_rows_by_customer.lifetime_revenue
    from built_rows_by_customer
    left join spine_ordered
        on built_rows_by_customer.first_as_of_date = spine_ordered.as_of_date
    -- a customer without a row on the last built date is gone from it
    where built_rows_by_customer.is_built_on_last_date = 1

),

-- one pass over the purchases up to the last built date: each customer's first purchase, and
-- its measures on its check date

purchases_compared as (

    select
        purchases.customer_key,
        min(purchases.order_date) as first_purchase_date,
        {{ compared_purchase_measures(
            'purchases', 'coalesce(loaded_customer_check_dates.check_date, built.last_as_of_date)'
        ) }}
    from purchases
    cross join built
    left join loaded_customer_check_dates
        on purchases.customer_key = loaded_customer_check_dates.customer_key
    where purchases.order_date <= built.last_as_of_date
    group by purchases.customer_key

),

current_customers as (

    select
        customers.customer_key,
        -- a customer exists from signup or first purchase, whichever is earlier (null ignored)
        least(customers.signup_date, purchases_compared.first_purchase_date) as first_existing_date,
        purchases_compared.recency_days,
        purchases_compared.frequency,
        purchases_compared.monetary,
        coalesce(purchases_compared.lifetime_purchases, 0) as lifetime_purchases,
        coalesce(purchases_compared.lifetime_revenue, 0) as lifetime_revenue
    from customers
    cross join built
    left join purchases_compared
        on customers.customer_key = purchases_compared.customer_key
    where
        not customers.is_test_account
        and (
            customers.signup_date <= built.last_as_of_date
            or purchases_compared.customer_key is not null
        )

),

customers_changed as (

    select
        built_customers.first_as_of_date,
        current_customers.first_existing_date
    from built_customers
    full outer join current_customers
        on built_customers.customer_key = current_customers.customer_key
    where
        built_customers.customer_key is null
        or current_customers.customer_key is null
        -- today the customer would start on another spine date
        or current_customers.first_existing_date > built_customers.first_as_of_date
        or current_customers.first_existing_date <= built_customers.date_before_first
        -- not built on its check date and, by the two lines above, not existing then either
        or (
            built_customers.is_built_on_check_date
            and {{ any_values_differ('built_customers', 'current_customers', compared_measures) }}
        )

),

changed_since as (

    select min(changed_date) as changed_from
    from (
        -- orders loaded since the last build, from their order date
        select first_loaded_order_date as changed_date from loaded_orders_by_customer
        union all
        -- changed customers, from the first date they exist on in the built rows or today
        select first_as_of_date as changed_date from customers_changed
        union all
        select first_existing_date as changed_date from customers_changed
    ) as changes

),

dates_to_build as (

    select spine.as_of_date
    from spine
    cross join built
    cross join changed_since
    where
        built.last_as_of_date is null
        or spine.as_of_date > built.last_as_of_date
        or spine.as_of_date >= changed_since.changed_from
        -- backfill: vars history_rebuild_from / _to
        or {{ in_history_rebuild_range('spine.as_of_date') }}

)
{%- endmacro %}


{#- The CTEs that work out customer_segment_history's dates to build on an incremental run (the
    comparison with the built rows, ending with CTE dates_to_build), given the text of the
    model's import CTEs they read (inputs: spine, purchases, orders, customers).
    Most engines compute them once, inside the model's query: the comparison's CTEs as they are.
    Spark inlines every CTE of a view at each of its references, and dbt-spark stages an
    incremental run in a temporary view: the many CTEs below the dates read them 31 times, so the
    comparison was copied 31 times (596 joins, minutes to plan). There the comparison runs first
    as a query of its own, and dates_to_build becomes the spine dates it returned, as a list. -#}
{% macro history_dates_to_build(inputs) -%}
    {{ return(adapter.dispatch('history_dates_to_build', 'customer_segments')(inputs)) }}
{%- endmacro %}

{% macro default__history_dates_to_build(inputs) -%}
    {{ history_dates_comparison_ctes() }}
{%- endmacro %}

{% macro spark__history_dates_to_build(inputs) -%}
    {%- if not history_dates_queried_first() -%}
        {{ return(history_dates_comparison_ctes()) }}
    {%- endif -%}
    {%- set query -%}
        with {{ inputs }}, {{ history_dates_comparison_ctes() }}
        select distinct cast(as_of_date as string) as as_of_date from dates_to_build
    {%- endset -%}
    {%- set dates = run_query(query).columns[0].values() | sort -%}
    {%- do log('customer_segment_history: dates to build ' ~ (dates | join(', ') or 'none'), info=false) -%}
    dates_to_build as (

        select spine.as_of_date
        from spine
        where
            {%- if dates | length == 0 %}
            1 = 0
            {%- else %}
            spine.as_of_date in (
                {%- for as_of_date in dates %}
                cast('{{ as_of_date }}' as date){{ ',' if not loop.last else '' }}
                {%- endfor %}
            )
            {%- endif %}

    )
{%- endmacro %}


{#- Whether customer_segment_history compares a customer with orders loaded since the last build
    on its check date (the last built date before the earliest of those orders) rather than on
    the last built date: the history then rewrites a late refund's periods from its order, not the
    customer's whole history. On Spark only when the comparison runs as a query of its own
    (history_dates_queried_first): inside the model's query, as in a unit test, Spark inlines the
    CTEs at each reference, and the check dates' CTEs made the incremental history unit tests
    81-88 s instead of 32-33 s (pass notes in `git show a1ea8e1:DECISIONLOG.md`, fourteenth pass); run first, the comparison took
    3.5 s either way on the demo (sixteenth pass). A Spark unit test compares every customer on
    the last built date. -#}
{% macro history_compares_check_dates() -%}
    {{ return(adapter.dispatch('history_compares_check_dates', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__history_compares_check_dates() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__history_compares_check_dates() -%}
    {{ return(history_dates_queried_first()) }}
{%- endmacro %}


{#- Whether history_dates_to_build runs the comparison first on Spark: on a real run, not while
    parsing and not in a unit test, whose input rows exist only inside the test's own query. -#}
{% macro history_dates_queried_first() -%}
    {{ return(execute and model.resource_type == 'model') }}
{%- endmacro %}


{#- The body of customer_segment_history's as_of_dates CTE on an incremental run, given the spine
    (all_dates) and the dates the run builds (dates_to_build); the model keeps only
    dates_to_build in its final CTE either way. The dates to build, but in a Spark unit test:
    there the comparison stays inside the query (history_dates_to_build), and every spine date is
    computed so that the comparison is read once, by the final CTE, not at each of the 31
    references below the dates. -#}
{% macro history_dates_computed(all_dates, dates_to_build) -%}
    {{ return(adapter.dispatch('history_dates_computed', 'customer_segments')(all_dates, dates_to_build)) }}
{%- endmacro %}

{% macro default__history_dates_computed(all_dates, dates_to_build) -%}
    select as_of_date from {{ dates_to_build }}
{%- endmacro %}

{% macro spark__history_dates_computed(all_dates, dates_to_build) -%}
    select as_of_date from {{ dates_to_build if history_dates_queried_first() else all_dates }}
{%- endmacro %}


{#- The measures the incremental customer_segment_history compares per customer, aggregated over
    a customer's purchases (grouped by customer) on or before as_of, an expression that may differ
    between customers: recency_days, lifetime_purchases, lifetime_revenue, and frequency and
    monetary in the RFM window (as_of - rfm_window_days, as_of], as the history computes them.
    Purchases after as_of count for none; a customer with none on or before it gets null in each,
    as if it had no purchase row. -#}
{% macro compared_purchase_measures(purchases, as_of) -%}
    {%- set order_date = purchases ~ '.order_date' -%}
    {%- set counted = 'case when ' ~ order_date ~ ' <= ' ~ as_of ~ ' then ' -%}
    {%- set in_window = order_date ~ ' > ' ~ dbt.dateadd('day', -1 * var('rfm_window_days') | int, as_of) -%}
    {{ dbt.datediff('max(' ~ counted ~ order_date ~ ' end)', 'max(' ~ as_of ~ ')', 'day') }} as recency_days,
    sum({{ counted }}1 end) as lifetime_purchases,
    sum({{ counted }}{{ purchases }}.net_amount end) as lifetime_revenue,
    sum({{ counted }}case when {{ in_window }} then 1 else 0 end end) as frequency,
    sum({{ counted }}case when {{ in_window }} then {{ purchases }}.net_amount else 0 end end) as monetary
{%- endmacro %}


{#- Whether a date is in the backfill range of vars history_rebuild_from / history_rebuild_to (both
    inclusive). Unset, they stand for 9999-12-31, which matches no as-of date. A boolean expression
    on date_expression; customer_segment_history rebuilds such dates, segment_migrations them and
    the dates after them. -#}
{% macro in_history_rebuild_range(date_expression) -%}
    {{ date_expression }} between
    cast('{{ var("history_rebuild_from") or "9999-12-31" }}' as date)
    and cast('{{ var("history_rebuild_to") or "9999-12-31" }}' as date)
{%- endmacro %}
