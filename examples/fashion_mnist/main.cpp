// examples/fashion_mnist: trains LeNet-5 (or, with --mlp, an MLP 784-128-64-10) on Fashion-MNIST from
// Debian's dataset-fashion-mnist package, shows a progress bar per epoch, evaluates test accuracy after
// each epoch, and saves the trained weights.
//
//   fashion_mnist [--mlp] [--epochs N] [--batch B] [--lr LR] [--threads T] [--data DIR] [--out FILE]
//
// The model is a type: a layer that does not fit the previous one's output shape does not compile.
#include <ctorch/autograd.hpp>
#include <ctorch/ctorch.hpp>
#include <ctorch/data.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/optim.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

using namespace ctorch;
using clk = std::chrono::steady_clock;

using LeNet5 = nn::Sequential<nn::Conv2d<1, 6, 5, nn::Conv2dOptions{.padding = 2}>, nn::ReLU,
                              nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Conv2d<6, 16, 5>, nn::ReLU,
                              nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Flatten, nn::Linear<400, 120>,
                              nn::ReLU, nn::Linear<120, 84>, nn::ReLU, nn::Linear<84, 10>>;
using MLP = nn::Sequential<nn::Flatten, nn::Linear<784, 128>, nn::ReLU, nn::Linear<128, 64>, nn::ReLU,
                           nn::Linear<64, 10>>;

struct TrainArgs {
  bool mlp = false;
  int epochs = 8;
  index_t batch = 64;
  double lr = 1e-3;
  int threads = 1;  // the DataLoader thread takes another core
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out;
};

static void progress(int epoch, int epochs, index_t done, index_t total, double loss, double rate) {
  const int width = 30, filled = int(double(done) / double(total) * width);
  std::printf("\repoch %d/%d [", epoch, epochs);
  for (int i = 0; i < width; ++i) std::putchar(i < filled ? '=' : (i == filled ? '>' : ' '));
  std::printf("] %3d%%  loss %.4f  %6.0f samples/s", int(100.0 * double(done) / double(total)), loss, rate);
  std::fflush(stdout);
}

template <class Model>
double accuracy(const Model& model, const data::FashionMNIST& test) {
  no_grad ng;
  data::DataLoader loader(test, {.batch_size = 1000});
  index_t correct = 0, seen = 0;
  for (auto& [x, y] : loader) {
    const auto logits = model(x);
    const auto pred = argmax<1>(logits.value());
    for (index_t i = 0; i < y.size(0); ++i) correct += pred(i) == y(i);
    seen += y.size(0);
  }
  return double(correct) / double(seen);
}

template <class Model>
int train(Model& model, const TrainArgs& a) {
  std::printf("%s\n%lld parameters\n", model.repr().c_str(), (long long)model.num_parameters());
  const data::FashionMNIST train_set(a.data, true), test_set(a.data, false);
  data::DataLoader loader(train_set, {.batch_size = a.batch, .shuffle = true, .seed = 0});
  optim::Adam opt(model.parameters(), {.lr = a.lr});
  nn::CrossEntropyLoss criterion;
  double acc = 0;
  for (int epoch = 1; epoch <= a.epochs; ++epoch) {
    model.train();
    const auto t0 = clk::now();
    index_t done = 0;
    double running = 0;
    int batches = 0;
    for (auto& [x, y] : loader) {
      opt.zero_grad();
      auto loss = criterion(model(x), y);
      loss.backward();
      opt.step();
      running += loss.item();
      ++batches;
      done += y.size(0);
      if (batches % 20 == 0 || done == train_set.size()) {
        const double secs = std::chrono::duration<double>(clk::now() - t0).count();
        progress(epoch, a.epochs, done, train_set.size(), running / batches, double(done) / secs);
      }
    }
    model.eval();
    acc = accuracy(model, test_set);
    std::printf("\n  test accuracy %.2f%%\n", 100 * acc);
  }
  if (!a.out.empty()) {
    nn::save(model, a.out);
    std::printf("saved the weights to %s\n", a.out.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  TrainArgs a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw value_error("fashion_mnist: " + s + " needs a value");
      return argv[++i];
    };
    if (s == "--mlp") a.mlp = true;
    else if (s == "--epochs") a.epochs = std::stoi(next());
    else if (s == "--batch") a.batch = std::stoll(next());
    else if (s == "--lr") a.lr = std::stod(next());
    else if (s == "--threads") a.threads = std::stoi(next());
    else if (s == "--data") a.data = next();
    else if (s == "--out") a.out = next();
    else {
      std::fprintf(stderr, "usage: %s [--mlp] [--epochs N] [--batch B] [--lr LR] [--threads T] [--data DIR] [--out FILE]\n",
                   argv[0]);
      return 2;
    }
  }
  if (a.threads > 0) set_num_threads(a.threads);
  if (a.out.empty()) a.out = a.mlp ? "fashion_mnist_mlp.ctorch" : "fashion_mnist_lenet5.ctorch";
  try {
    manual_seed(0);
    if (a.mlp) {
      MLP model;
      return train(model, a);
    }
    LeNet5 model;
    return train(model, a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
    return 1;
  }
}
