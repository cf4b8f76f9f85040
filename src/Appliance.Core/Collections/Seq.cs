namespace Appliance.Core.Collections;

/// <summary>
/// The few list operations the shipped code needs, in place of System.Linq. Every LINQ
/// operator called with a new pair of types instantiates a family of iterator classes
/// (array, List, IList, Iterator, each with Where/Select/Skip/Take variants): in the AOT
/// image that was 1.5 MB of code and type data, and the type data is rehydrated into fresh
/// memory at every start (IlcGenerateMapFile, 2026-12). These are eager, return a new list,
/// and instantiate one method per use. Sorting is stable, as Enumerable.OrderBy is.
/// </summary>
public static class Seq
{
    /// <summary>Each item mapped, in order.</summary>
    public static List<TResult> Map<T, TResult>(this IEnumerable<T> source, Func<T, TResult> map)
    {
        var result = source is IReadOnlyCollection<T> c ? new List<TResult>(c.Count) : new List<TResult>();
        foreach (T item in source)
        {
            result.Add(map(item));
        }

        return result;
    }

    /// <summary>The items <paramref name="keep"/> accepts, in order.</summary>
    public static List<T> Filter<T>(this IEnumerable<T> source, Func<T, bool> keep)
    {
        var result = new List<T>();
        foreach (T item in source)
        {
            if (keep(item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    /// <summary>The items in order of <paramref name="key"/>; equal keys keep their order.</summary>
    public static List<T> SortedBy<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, IComparer<TKey>? comparer = null)
    {
        var items = new List<T>(source);
        var keys = new TKey[items.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = key(items[i]);
        }

        IComparer<TKey> compare = comparer ?? Comparer<TKey>.Default;
        return StableOrder(items, (a, b) => compare.Compare(keys[a], keys[b]));
    }

    /// <summary>The items in descending order of <paramref name="key"/>; equal keys keep their order.</summary>
    public static List<T> SortedByDescending<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, IComparer<TKey>? comparer = null)
    {
        IComparer<TKey> compare = comparer ?? Comparer<TKey>.Default;
        return source.SortedBy(key, Comparer<TKey>.Create((a, b) => compare.Compare(b, a)));
    }

    /// <summary>The items in the order <paramref name="comparison"/> gives; equal items keep their order.</summary>
    public static List<T> Sorted<T>(this IEnumerable<T> source, Comparison<T> comparison)
    {
        var items = new List<T>(source);
        return StableOrder(items, (a, b) => comparison(items[a], items[b]));
    }

    /// <summary>Strings in ordinal order (what Order(StringComparer.Ordinal) gave).</summary>
    public static List<string> SortedOrdinal(this IEnumerable<string> source) => source.Sorted(string.CompareOrdinal);

    /// <summary>Whether any item matches, stopping at the first (what Any(match) gave); named like List.Exists.</summary>
    public static bool Exists<T>(this IEnumerable<T> source, Func<T, bool> match)
    {
        foreach (T item in source)
        {
            if (match(item))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every item matches, stopping at the first that does not (what All(match) gave); true when empty.</summary>
    public static bool TrueForAll<T>(this IEnumerable<T> source, Func<T, bool> match)
    {
        foreach (T item in source)
        {
            if (!match(item))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first item that matches, or default when none does (what FirstOrDefault(match) gave).</summary>
    public static T? Find<T>(this IEnumerable<T> source, Func<T, bool> match)
    {
        foreach (T item in source)
        {
            if (match(item))
            {
                return item;
            }
        }

        return default;
    }

    /// <summary>The last item that matches, searched from the end, or default when none does (what LastOrDefault(match) gave).</summary>
    public static T? FindLast<T>(this IReadOnlyList<T> source, Func<T, bool> match)
    {
        for (int i = source.Count - 1; i >= 0; i--)
        {
            if (match(source[i]))
            {
                return source[i];
            }
        }

        return default;
    }

    /// <summary>The items from index <paramref name="start"/> to the end, none when it is past the end (what Skip(start) gave).</summary>
    public static List<T> From<T>(this IReadOnlyList<T> source, int start)
    {
        var result = new List<T>(Math.Max(source.Count - Math.Max(start, 0), 0));
        for (int i = Math.Max(start, 0); i < source.Count; i++)
        {
            result.Add(source[i]);
        }

        return result;
    }

    /// <summary>Whether both lists hold equal items (EqualityComparer.Default) in the same order (what SequenceEqual gave).</summary>
    public static bool SameItems<T>(this IReadOnlyList<T> first, IReadOnlyList<T> second)
    {
        if (first.Count != second.Count)
        {
            return false;
        }

        for (int i = 0; i < first.Count; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(first[i], second[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Sorts indexes, not items, with the index as the last key: List.Sort is an introsort and
    /// not stable, and one instantiation over int serves every caller.
    /// </summary>
    private static List<T> StableOrder<T>(List<T> items, Comparison<int> compare)
    {
        var order = new int[items.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = compare(a, b);
            return c != 0 ? c : a.CompareTo(b);
        });
        var result = new List<T>(order.Length);
        foreach (int i in order)
        {
            result.Add(items[i]);
        }

        return result;
    }
}
