// ctorch/data/dataloader.hpp: DataLoader, batches of a Dataset in (shuffled) order, prepared ahead.
//
// torch.utils.data.DataLoader with one worker: `for (auto& [x, y] : loader)` runs one epoch; each begin()
// starts a new one, with a new order when shuffling. The batch size is a run-time option like PyTorch's
// batch_size: the batch extent is Dyn anyway, since the last batch of an epoch may be smaller.
//
// A background thread collates the next batches while the current one is used (options.prefetch of them,
// in a bounded queue; prefetch = 0 collates in the loop, on the calling thread). So the dataset's get(i) runs
// on that thread: it must be safe to call while the loop runs (anything that only reads is). A
// TensorBackedDataset (TensorDataset, FashionMNIST) is collated with one memcpy per row (per run of
// consecutive rows when not shuffling). Batches live in a pool of prefetch + 1 buffers reused from batch to
// batch, so a steady-state epoch allocates nothing (a smaller last batch changes a buffer's extents, which
// reallocates it through the caching allocator once per epoch). Hence:
//
//   The batch a loop iteration sees is valid until the loop advances. To keep it longer, copy it
//   (`auto kept = batch;`, a deep copy); moving a tensor out of it also works and costs the loader a
//   fresh buffer later.
//
// Shuffling draws from a generator seeded with options.seed (any UniformRandomBitGenerator, std::mt19937_64
// by default); the epochs of two loaders with the same seed are the same, and each epoch differs from the
// previous one. The loader reads the dataset by reference: the dataset must outlive it. An exception thrown
// while collating a batch (by get(i), for instance) is rethrown in the loop, after the batches before it.
#pragma once
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <iterator>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "dataset.hpp"

namespace ctorch::data {

struct LoaderOptions {
  index_t batch_size = 1;
  bool shuffle = false;    // a new random order each epoch
  bool drop_last = false;  // drop the last batch when it is smaller than batch_size
  std::uint64_t seed = 0;  // seeds the shuffling generator (deterministic by default)
  int prefetch = 2;        // batches prepared ahead by a background thread; 0: no thread, made in the loop
};

namespace detail {

// A uniform integer in [0, bound] from g: the same sequence for the same generator state on every
// standard library (std::uniform_int_distribution's algorithm is implementation-defined).
template <class G>
std::uint64_t uniform_index(G& g, std::uint64_t bound) {
  using R = typename G::result_type;
  constexpr std::uint64_t lo = std::uint64_t(G::min()), hi = std::uint64_t(G::max());
  if constexpr (lo == 0 && hi == std::numeric_limits<std::uint64_t>::max() && sizeof(R) == 8) {
    if (bound == std::numeric_limits<std::uint64_t>::max()) return std::uint64_t(g());
    const std::uint64_t range = bound + 1;
    const std::uint64_t biased = (0 - range) % range;  // 2^64 mod range: draws below it would favour small values
    for (;;) {
      const std::uint64_t r = std::uint64_t(g());
      if (r >= biased) return r % range;
    }
  } else {
    std::uniform_int_distribution<std::uint64_t> dist(0, bound);
    return dist(g);
  }
}

}  // namespace detail

// requires: D models Dataset (see dataset.hpp) and outlives the loader; G is a UniformRandomBitGenerator.
template <Dataset D, std::uniform_random_bit_generator G = std::mt19937_64>
class DataLoader {
 public:
  using dataset_type = D;
  using generator_type = G;
  using example_type = example_t<D>;
  using batch_type = batch_t<example_type>;

  class iterator;

  // requires: options.batch_size > 0, options.prefetch >= 0 (value_error otherwise). ensures: no thread runs
  // until the first begin().
  DataLoader(const D& dataset, LoaderOptions options = {})
    requires std::constructible_from<G, std::uint64_t>
      : DataLoader(dataset, options, G(typename G::result_type(options.seed))) {}
  // The same with a generator given (options.seed is then unused).
  DataLoader(const D& dataset, LoaderOptions options, G generator)
      : ds_(&dataset), opt_(options), gen_(std::move(generator)) {
    if (opt_.batch_size <= 0)
      throw value_error("ctorch: DataLoader: batch_size must be positive, got " + std::to_string(opt_.batch_size));
    if (opt_.prefetch < 0)
      throw value_error("ctorch: DataLoader: prefetch must be >= 0, got " + std::to_string(opt_.prefetch));
    const std::size_t pool = std::size_t(opt_.prefetch) + 1;
    slots_.reserve(pool);
    for (std::size_t s = 0; s < pool; ++s) slots_.push_back(detail::empty_batch<batch_type>());
    free_.reserve(pool);
    ready_.assign(pool, -1);
  }
  // The loader keeps a reference: a temporary dataset would dangle.
  DataLoader(const D&&, LoaderOptions = {}) = delete;
  DataLoader(const D&&, LoaderOptions, G) = delete;

  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  // ensures: the background thread is stopped and joined, also in the middle of an epoch (it finishes
  // the batch it is collating first).
  ~DataLoader() {
    if (worker_.joinable()) {
      {
        std::lock_guard lk(m_);
        stop_ = true;
      }
      cv_worker_.notify_all();
      worker_.join();
    }
  }

  // Batches per epoch (len(loader)).
  index_t size() const noexcept {
    const index_t n = index_t(ds_->size()), b = opt_.batch_size;
    return opt_.drop_last ? n / b : (n + b - 1) / b;
  }
  const D& dataset() const noexcept { return *ds_; }
  const LoaderOptions& options() const noexcept { return opt_; }
  G& generator() noexcept { return gen_; }

  // Starts an epoch (abandoning one in progress) and waits for its first batch.
  // ensures: iterators of an earlier epoch are invalid. Throws what collating the first batch throws.
  iterator begin() {
    start_epoch();
    advance();
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  // An input iterator over the batches of the current epoch; *it is valid until ++it.
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = batch_type;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    batch_type& operator*() const { return l_->slots_[std::size_t(l_->current_)]; }
    batch_type* operator->() const { return &**this; }
    // Releases the current batch to the pool and waits for the next; rethrows a collating error.
    iterator& operator++() {
      l_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.done();
    }

   private:
    bool done() const noexcept { return l_ == nullptr || l_->current_ < 0; }
    friend class DataLoader;
    explicit iterator(DataLoader* l) : l_(l) {}
    DataLoader* l_ = nullptr;
  };

 private:
  // Fills slot s with batch b of the current order.
  void fill(int s, index_t b) {
    const index_t start = b * opt_.batch_size;
    const index_t n = std::min(opt_.batch_size, index_t(order_.size()) - start);
    collate(*ds_, order_.data() + start, n, slots_[std::size_t(s)]);
  }

  void start_epoch() {
    cancel_epoch();
    const index_t n = index_t(ds_->size());
    if (n < 0) throw value_error("ctorch: DataLoader: the dataset's size() is negative (" + std::to_string(n) + ")");
    order_.resize(std::size_t(n));
    std::iota(order_.begin(), order_.end(), index_t(0));
    if (opt_.shuffle)  // Fisher-Yates
      for (std::size_t i = order_.size(); i > 1; --i)
        std::swap(order_[i - 1], order_[std::size_t(detail::uniform_index(gen_, i - 1))]);
    nbatches_ = size();
    consumed_ = 0;
    current_ = -1;
    if (opt_.prefetch == 0) return;
    if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
    {
      std::lock_guard lk(m_);
      free_.clear();
      for (int s = int(slots_.size()); s-- > 0;) free_.push_back(s);
      head_ = count_ = 0;
      error_ = nullptr;
      job_pending_ = true;
    }
    cv_worker_.notify_one();
  }

  // Stops the worker's epoch, if one runs, and waits until it is idle.
  void cancel_epoch() {
    if (!worker_.joinable()) return;
    std::unique_lock lk(m_);
    job_pending_ = false;
    cancel_ = true;
    cv_worker_.notify_one();
    cv_consumer_.wait(lk, [&] { return !worker_busy_; });
    cancel_ = false;
  }

  void advance() {
    if (opt_.prefetch == 0) {
      current_ = -1;
      if (consumed_ == nbatches_) return;
      const index_t b = consumed_++;
      try {
        fill(0, b);
      } catch (...) {
        consumed_ = nbatches_;  // the epoch ends with the error
        throw;
      }
      current_ = 0;
      return;
    }
    std::unique_lock lk(m_);
    if (current_ >= 0) {
      free_.push_back(current_);
      current_ = -1;
      cv_worker_.notify_one();
    }
    if (consumed_ == nbatches_) return;
    cv_consumer_.wait(lk, [&] { return count_ > 0 || error_ != nullptr; });
    if (count_ > 0) {
      current_ = ready_[head_];
      head_ = (head_ + 1) % ready_.size();
      --count_;
      ++consumed_;
      return;
    }
    std::exception_ptr e = std::exchange(error_, nullptr);
    consumed_ = nbatches_;
    lk.unlock();
    std::rethrow_exception(e);
  }

  // The background thread: one epoch per job, in batch order, while a pool buffer is free.
  void work() {
    std::unique_lock lk(m_);
    for (;;) {
      cv_worker_.wait(lk, [&] { return stop_ || job_pending_; });
      if (stop_) return;
      job_pending_ = false;
      worker_busy_ = true;
      for (index_t b = 0; b < nbatches_; ++b) {
        cv_worker_.wait(lk, [&] { return stop_ || cancel_ || !free_.empty(); });
        if (stop_ || cancel_) break;
        const int s = free_.back();
        free_.pop_back();
        lk.unlock();
        std::exception_ptr err;
        try {
          fill(s, b);
        } catch (...) {
          err = std::current_exception();
        }
        lk.lock();
        if (err) {
          free_.push_back(s);
          error_ = std::move(err);
          cv_consumer_.notify_one();
          break;
        }
        ready_[(head_ + count_) % ready_.size()] = s;
        ++count_;
        cv_consumer_.notify_one();
      }
      worker_busy_ = false;
      cv_consumer_.notify_all();
    }
  }

  const D* ds_;
  LoaderOptions opt_;
  G gen_;
  std::vector<index_t> order_;       // this epoch's example order (written only while the worker is idle)
  std::vector<batch_type> slots_;    // the batch pool
  index_t nbatches_ = 0;             // batches in this epoch
  index_t consumed_ = 0;             // batches handed to the loop (consumer thread only)
  int current_ = -1;                 // the slot the loop holds, -1 at the end (consumer thread only)

  // Shared with the worker, guarded by m_.
  std::mutex m_;
  std::condition_variable cv_worker_, cv_consumer_;
  std::vector<int> free_;            // slots the worker may fill
  std::vector<int> ready_;           // ring of filled slots in batch order
  std::size_t head_ = 0, count_ = 0;
  std::exception_ptr error_;
  bool job_pending_ = false, worker_busy_ = false, cancel_ = false, stop_ = false;
  std::thread worker_;
};

}  // namespace ctorch::data
